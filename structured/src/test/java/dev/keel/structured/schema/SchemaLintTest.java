package dev.keel.structured.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One row per lint rule: a schema that breaks exactly that rule, and the pointer the finding names. */
class SchemaLintTest {

    static final String OK = """
            {"type":"object","additionalProperties":false,"required":["schema_version","name"],
             "properties":{"schema_version":{"type":"string","enum":["v1"]},"name":{"type":"string"}}}""";

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of(LintRule.ROOT_NOT_OBJECT, "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}", ""),
                Arguments.of(LintRule.ROOT_ANY_OF, edit("/anyOf", "[{\"type\":\"object\"}]"), "/anyOf"),
                Arguments.of(
                        LintRule.ADDITIONAL_PROPERTIES,
                        edit("/properties/name", "{\"type\":\"object\",\"properties\":{},\"required\":[]}"),
                        "/properties/name"),
                Arguments.of(
                        LintRule.PROPERTY_NOT_REQUIRED, edit("/required", "[\"schema_version\"]"), "/properties/name"),
                Arguments.of(
                        LintRule.REQUIRED_UNDEFINED,
                        edit("/required", "[\"schema_version\",\"name\",\"ghost\"]"),
                        "/required"),
                Arguments.of(
                        LintRule.UNSUPPORTED_KEYWORD,
                        edit("/properties/name", "{\"type\":\"string\",\"minLength\":3}"),
                        "/properties/name/minLength"),
                Arguments.of(
                        LintRule.UNSUPPORTED_KEYWORD,
                        edit("/properties/name", "{\"allOf\":[{\"type\":\"string\"}]}"),
                        "/properties/name/allOf"),
                Arguments.of(
                        LintRule.DEFAULT_NOT_ALLOWED,
                        edit("/properties/name", "{\"type\":\"string\",\"default\":\"x\"}"),
                        "/properties/name/default"),
                Arguments.of(
                        LintRule.UNSUPPORTED_FORMAT,
                        edit("/properties/name", "{\"type\":\"string\",\"format\":\"uri\"}"),
                        "/properties/name/format"),
                Arguments.of(
                        LintRule.UNKNOWN_TYPE,
                        edit("/properties/name", "{\"type\":\"text\"}"),
                        "/properties/name/type"),
                Arguments.of(
                        LintRule.UNRESOLVED_REF,
                        edit("/properties/name", "{\"$ref\":\"#/$defs/missing\"}"),
                        "/properties/name/$ref"),
                Arguments.of(LintRule.DEPTH_LIMIT, edit("/properties/name", nested(10)), deepPointer(10)),
                Arguments.of(LintRule.PROPERTY_LIMIT, manyProperties(5_001), ""),
                Arguments.of(LintRule.ENUM_VALUE_LIMIT, edit("/properties/name", enumOf(1_001, 3)), ""),
                Arguments.of(
                        LintRule.ENUM_SIZE_LIMIT, edit("/properties/name", enumOf(251, 60)), "/properties/name/enum"),
                Arguments.of(LintRule.STRING_SIZE_LIMIT, edit("/properties/name", enumOf(900, 140)), ""),
                Arguments.of(
                        LintRule.SCHEMA_VERSION,
                        edit("/properties/schema_version", "{\"type\":\"string\"}"),
                        "/properties/schema_version"));
    }

    @ParameterizedTest(name = "{0} at {2}")
    @MethodSource("rules")
    void lint_schemaBreakingOneRule_reportsThatRuleAtItsPointer(LintRule rule, String schema, String pointer) {
        var findings = SchemaLint.lint(Json.parse(schema));
        assertThat(findings).anySatisfy(f -> {
            assertThat(f.rule()).isEqualTo(rule);
            assertThat(f.pointer()).isEqualTo(pointer);
            assertThat(f.message()).isNotBlank();
        });
    }

    @Test
    void lint_conformingSchema_hasNoFindings() {
        assertThat(SchemaLint.lint(Json.parse(OK))).isEmpty();
    }

    @Test
    void lint_ticketSchemas_areClean() throws Exception {
        for (String v : new String[] {"v1", "v2"}) {
            JsonNode s = Json.parse(java.nio.file.Files.readString(Tickets.SCHEMAS.resolve("ticket/" + v + ".json")));
            assertThat(SchemaLint.lint(s)).as(v).isEmpty();
        }
    }

    @Test
    void lint_nullableOptionalAndRecursionViaDefs_areAccepted() {
        String s = """
                {"type":"object","additionalProperties":false,"required":["schema_version","note","tree"],
                 "$defs":{"node":{"type":"object","additionalProperties":false,"required":["kids"],
                    "properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/node"}}}}},
                 "properties":{"schema_version":{"type":"string","enum":["v1"]},
                   "note":{"type":["string","null"]},"tree":{"$ref":"#/$defs/node"}}}""";
        assertThat(SchemaLint.lint(Json.parse(s))).isEmpty();
    }

    @Test
    void finding_toString_namesSeverityPointerAndRule() {
        var f = SchemaLint.lint(Json.parse(edit("/required", "[\"schema_version\"]")))
                .get(0);
        assertThat(f.toString()).isEqualTo("ERROR /properties/name: " + f.message() + " [PROPERTY_NOT_REQUIRED]");
    }

    private static String edit(String pointer, String json) {
        ObjectNode root = (ObjectNode) Json.parse(OK);
        int slash = pointer.lastIndexOf('/');
        ((ObjectNode) root.at(pointer.substring(0, slash))).set(pointer.substring(slash + 1), Json.parse(json));
        return Json.write(root);
    }

    private static String nested(int levels) {
        String inner = "{\"type\":\"string\"}";
        for (int i = 0; i < levels; i++) {
            inner = "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"n\"],\"properties\":{\"n\":"
                    + inner + "}}";
        }
        return inner;
    }

    private static String deepPointer(int levels) {
        // root is level 1, /properties/name level 2, …; level 11 is the first past the limit
        return "/properties/name" + "/properties/n".repeat(levels - 1);
    }

    private static String manyProperties(int n) {
        ObjectNode root = (ObjectNode) Json.parse(OK);
        ObjectNode props = (ObjectNode) root.get("properties");
        ArrayNode req = (ArrayNode) root.get("required");
        for (int i = 0; i < n; i++) {
            props.putObject("p" + i).put("type", "string");
            req.add("p" + i);
        }
        return Json.write(root);
    }

    private static String enumOf(int values, int length) {
        ArrayNode e = Json.array();
        for (int i = 0; i < values; i++) {
            e.add(String.format("%0" + length + "d", i));
        }
        return "{\"type\":\"string\",\"enum\":" + Json.write(e) + "}";
    }
}
