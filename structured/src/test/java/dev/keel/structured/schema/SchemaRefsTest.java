package dev.keel.structured.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** $ref cycles no output can satisfy and refs to other documents: lint reports them, diff refuses them. */
class SchemaRefsTest {

    private static final String VERSION = "\"schema_version\":{\"type\":\"string\",\"enum\":[\"v1\"]}";

    /** A root with schema_version and a required property {@code node} of schema {@code node}, plus $defs. */
    private static JsonNode root(String node, String defs) {
        return Json.parse("{\"type\":\"object\",\"additionalProperties\":false,"
                + "\"required\":[\"schema_version\",\"node\"],\"properties\":{" + VERSION + ",\"node\":" + node + "},"
                + "\"$defs\":{" + defs + "}}");
    }

    private static final String REQUIRED_SELF = "\"node\":{\"type\":\"object\",\"additionalProperties\":false,"
            + "\"required\":[\"child\"],\"properties\":{\"child\":{\"$ref\":\"#/$defs/node\"}}}";

    private static List<LintFinding> of(List<LintFinding> all, LintRule rule) {
        return all.stream().filter(f -> f.rule() == rule).toList();
    }

    @Test
    void lint_requiredSelfReference_isAnUnsatisfiableCycle() {
        List<LintFinding> f = SchemaLint.lint(root("{\"$ref\":\"#/$defs/node\"}", REQUIRED_SELF));

        assertThat(of(f, LintRule.REF_CYCLE)).singleElement().satisfies(x -> {
            assertThat(x.pointer()).isEqualTo("/$defs/node");
            assertThat(x.message()).contains("#/$defs/node -> #/$defs/node").contains("null type union");
        });
        assertThat(SchemaLint.hasErrors(f)).isTrue();
    }

    @Test
    void lint_mutualCycleThroughRequiredLinks_isReportedOnceWithItsPath() {
        String defs = "\"a\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"b\"],"
                + "\"properties\":{\"b\":{\"$ref\":\"#/$defs/b\"}}},"
                + "\"b\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"a\"],"
                + "\"properties\":{\"a\":{\"$ref\":\"#/$defs/a\"}}}";
        List<LintFinding> f = of(SchemaLint.lint(root("{\"$ref\":\"#/$defs/a\"}", defs)), LintRule.REF_CYCLE);

        assertThat(f)
                .singleElement()
                .extracting(LintFinding::message)
                .asString()
                .contains("#/$defs/a -> #/$defs/b -> #/$defs/a");
    }

    @Test
    void lint_requiredRootRecursion_isAnUnsatisfiableCycleAtTheRoot() {
        JsonNode s = Json.parse("{\"type\":\"object\",\"additionalProperties\":false,"
                + "\"required\":[\"schema_version\",\"self\"],\"properties\":{" + VERSION
                + ",\"self\":{\"$ref\":\"#\"}}}");

        assertThat(of(SchemaLint.lint(s), LintRule.REF_CYCLE))
                .singleElement()
                .extracting(LintFinding::pointer)
                .isEqualTo("");
    }

    @Test
    void lint_recursionWithAWayOut_isNoCycle() {
        String nullable = "\"node\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"child\"],"
                + "\"properties\":{\"child\":{\"anyOf\":[{\"$ref\":\"#/$defs/node\"},{\"type\":\"null\"}]}}}";
        String array = "\"node\":{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"kids\"],"
                + "\"properties\":{\"kids\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}}}";
        String nonEmptyArray = array.replace("\"type\":\"array\",", "\"type\":\"array\",\"minItems\":1,");

        assertThat(SchemaLint.lint(root("{\"$ref\":\"#/$defs/node\"}", nullable)))
                .isEmpty();
        assertThat(SchemaLint.lint(root("{\"$ref\":\"#/$defs/node\"}", array))).isEmpty();
        assertThat(of(SchemaLint.lint(root("{\"$ref\":\"#/$defs/node\"}", nonEmptyArray)), LintRule.REF_CYCLE))
                .hasSize(1);
    }

    @Test
    void diff_unsatisfiableCycle_isNotComparable_notZeroChanges() {
        JsonNode s = root("{\"$ref\":\"#/$defs/node\"}", REQUIRED_SELF);

        assertThatThrownBy(() -> SchemaDiff.report(s, s))
                .isInstanceOf(SchemaNotComparableException.class)
                .hasMessageStartingWith("old schema cannot be compared: /$defs/node: unsatisfiable $ref cycle")
                .hasMessageEndingWith("[REF_CYCLE]");
    }

    @Test
    void externalRef_lintAndDiff_keepTheUrlIntact() {
        String url = "https://schemas.example.com/v1/address.json#/$defs/addr~1line";
        JsonNode s = root("{\"$ref\":\"" + url + "\"}", "");

        assertThat(of(SchemaLint.lint(s), LintRule.EXTERNAL_REF))
                .singleElement()
                .satisfies(f -> {
                    assertThat(f.pointer()).isEqualTo("/properties/node/$ref");
                    assertThat(f.message()).contains("$ref \"" + url + "\" points outside this document");
                });
        assertThat(of(SchemaLint.lint(s), LintRule.UNRESOLVED_REF)).isEmpty();
        JsonNode plain = root("{\"type\":\"string\"}", "");
        assertThatThrownBy(() -> SchemaDiff.report(plain, s))
                .isInstanceOf(SchemaNotComparableException.class)
                .hasMessageContaining("new schema cannot be compared: /properties/node/$ref: $ref \"" + url + "\"")
                .hasMessageEndingWith("[EXTERNAL_REF]");
    }

    @Test
    void diff_unresolvedRef_isNotComparable() {
        JsonNode plain = root("{\"type\":\"string\"}", "");
        JsonNode broken = root("{\"$ref\":\"#/$defs/missing\"}", "");

        assertThatThrownBy(() -> SchemaDiff.report(broken, plain))
                .isInstanceOf(SchemaNotComparableException.class)
                .hasMessageContaining("old schema cannot be compared")
                .hasMessageContaining("#/$defs/missing");
    }

    @Test
    void lint_contradictoryBounds_andEmptyEnum_areUnsatisfiable() {
        JsonNode s =
                root("{\"type\":\"integer\",\"minimum\":5,\"maximum\":1}", "").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) s.get("properties"))
                .set("tags", Json.parse("{\"type\":\"string\",\"enum\":[]}"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) s.get("required")).add("tags");

        assertThat(of(SchemaLint.lint(s), LintRule.UNSATISFIABLE))
                .extracting(LintFinding::pointer)
                .containsExactly("/properties/node/minimum", "/properties/tags/enum");
    }
}
