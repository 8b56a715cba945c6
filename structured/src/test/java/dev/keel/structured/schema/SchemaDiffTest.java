package dev.keel.structured.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per change kind: an edit of a base schema, the label it must produce, and for breaking
 * kinds a counterexample that the validator confirms (one version accepts it, the other rejects it).
 */
class SchemaDiffTest {

    private static final SchemaValidator VALIDATOR = new SchemaValidator();

    static final String BASE = """
            {"type":"object","additionalProperties":false,
             "required":["schema_version","kind","note","count","tags","owner"],
             "properties":{
               "schema_version":{"type":"string","enum":["v1"]},
               "kind":{"type":"string","enum":["a","b","c"]},
               "note":{"type":"string","description":"free text"},
               "count":{"type":"integer","minimum":0,"maximum":10},
               "tags":{"type":"array","items":{"type":"string"},"maxItems":5},
               "owner":{"type":"object","additionalProperties":false,"required":["id"],
                        "properties":{"id":{"type":"string"}}}}}""";

    static Stream<Arguments> kinds() {
        return Stream.of(
                        row(ChangeKind.REQUIRED_ADDED, "REQUIRED_ADDED(level)", s -> {
                            props(s).putObject("level").put("type", "integer");
                            required(s).add("level");
                        }),
                        row(
                                ChangeKind.REQUIRED_ADDED,
                                "REQUIRED_ADDED(opt)",
                                null), // see requiredAdded_formerlyOptional
                        row(
                                ChangeKind.REQUIRED_REMOVED,
                                "REQUIRED_REMOVED(note)",
                                s -> s.set(
                                        "required",
                                        Json.parse("[\"schema_version\",\"kind\",\"count\",\"tags\",\"owner\"]"))),
                        row(
                                ChangeKind.FIELD_ADDED,
                                "FIELD_ADDED(extra)",
                                s -> props(s).putObject("extra").put("type", "string")),
                        row(ChangeKind.FIELD_REMOVED, "FIELD_REMOVED(note)", s -> {
                            props(s).remove("note");
                            s.set("required", Json.parse("[\"schema_version\",\"kind\",\"count\",\"tags\",\"owner\"]"));
                        }),
                        row(
                                ChangeKind.TYPE_CHANGED,
                                "TYPE_CHANGED(note)",
                                s -> props(s).set(
                                                "note",
                                                Json.parse(
                                                        "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"free text\"}"))),
                        row(
                                ChangeKind.NULLABILITY_CHANGED,
                                "NULLABILITY_CHANGED(note)",
                                s -> ((ObjectNode) props(s).get("note"))
                                        .set("type", Json.parse("[\"string\",\"null\"]"))),
                        row(
                                ChangeKind.ENUM_NARROWED,
                                "ENUM_NARROWED(kind)",
                                s -> ((ObjectNode) props(s).get("kind")).set("enum", Json.parse("[\"a\",\"b\"]"))),
                        row(
                                ChangeKind.ENUM_WIDENED,
                                "ENUM_WIDENED(kind)",
                                s -> ((ObjectNode) props(s).get("kind"))
                                        .set("enum", Json.parse("[\"a\",\"b\",\"c\",\"d\"]"))),
                        row(
                                ChangeKind.CONSTRAINT_TIGHTENED,
                                "CONSTRAINT_TIGHTENED(count)",
                                s -> ((ObjectNode) props(s).get("count")).put("maximum", 5)),
                        row(
                                ChangeKind.CONSTRAINT_TIGHTENED,
                                "CONSTRAINT_TIGHTENED(tags)",
                                s -> ((ObjectNode) props(s).get("tags")).put("maxItems", 0)),
                        row(
                                ChangeKind.CONSTRAINT_LOOSENED,
                                "CONSTRAINT_LOOSENED(count)",
                                s -> ((ObjectNode) props(s).get("count")).remove("minimum")),
                        row(
                                ChangeKind.FORMAT_CHANGED,
                                "FORMAT_CHANGED(owner.id)",
                                s -> ((ObjectNode) props(s).get("owner")
                                                .get("properties")
                                                .get("id"))
                                        .put("format", "uuid")),
                        row(
                                ChangeKind.DESCRIPTION_CHANGED,
                                "DESCRIPTION_CHANGED(note)",
                                s -> ((ObjectNode) props(s).get("note")).put("description", "a sentence")))
                .filter(a -> a.get()[2] != null);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("kinds")
    void diff_oneEdit_classifiesItWithRiskAndAVerifiedCounterexample(ChangeKind kind, String label, String newSchema) {
        JsonNode oldS = Json.parse(BASE);
        JsonNode newS = Json.parse(newSchema);
        List<SchemaChange> changes = SchemaDiff.diff(oldS, newS);
        assertThat(changes).extracting(SchemaChange::label).containsExactly(label);
        SchemaChange c = changes.get(0);
        assertThat(c.kind()).isEqualTo(kind);
        assertThat(c.breaking()).isEqualTo(kind.breaking());
        assertThat(SchemaDiff.breaking(changes)).isEqualTo(kind.breaking());
        if (kind.breaking()) {
            assertCounterexample(c, oldS, newS);
        } else {
            assertThat(c.counterexample()).isNull();
        }
    }

    @Test
    void diff_requiredAdded_formerlyOptional() {
        JsonNode oldS = Json.parse("{\"type\":\"object\",\"properties\":{\"opt\":{\"type\":\"string\"}}}");
        JsonNode newS = Json.parse(
                "{\"type\":\"object\",\"properties\":{\"opt\":{\"type\":\"string\"}},\"required\":[\"opt\"]}");
        var changes = SchemaDiff.diff(oldS, newS);
        assertThat(changes).extracting(SchemaChange::label).containsExactly("REQUIRED_ADDED(opt)");
        assertCounterexample(changes.get(0), oldS, newS);
    }

    @Test
    void diff_ticketV1ToV2_isRequiredAddedPriorityAndActions_breaking() throws Exception {
        JsonNode v1 = Json.parse(Files.readString(Tickets.SCHEMAS.resolve("ticket/v1.json")));
        JsonNode v2 = Json.parse(Files.readString(Tickets.SCHEMAS.resolve("ticket/v2.json")));
        var changes = SchemaDiff.diff(v1, v2);
        assertThat(changes)
                .extracting(SchemaChange::label)
                .containsExactly(
                        "VERSION_CHANGED(schema_version)", "REQUIRED_ADDED(priority)", "REQUIRED_ADDED(actions)");
        assertThat(SchemaDiff.breaking(changes)).isTrue();
        SchemaChange priority = changes.get(1);
        assertThat(priority.pointer()).isEqualTo("/properties/priority");
        assertThat(priority.consumerRisk()).isEqualTo(Risk.HIGH);
        assertThat(priority.inFlightRisk()).isEqualTo(Risk.HIGH);
        changes.stream().filter(SchemaChange::breaking).forEach(c -> assertCounterexample(c, v1, v2));
        assertThat(changes.get(0).breaking()).isFalse();
        assertThat(priority.counterexample().instance().has("priority")).isFalse();
    }

    @Test
    void diff_sameSchemaReordered_hasNoChanges() {
        JsonNode a = Json.parse(BASE);
        JsonNode b = CanonicalJson.sorted(a);
        assertThat(SchemaDiff.diff(a, b)).isEmpty();
    }

    @Test
    void diff_throughRefs_comparesTheDefinitions() {
        String t =
                "{\"type\":\"object\",\"$defs\":{\"k\":{\"type\":\"string\",\"enum\":%s}},\"additionalProperties\":false,"
                        + "\"required\":[\"k\"],\"properties\":{\"k\":{\"$ref\":\"#/$defs/k\"}}}";
        JsonNode oldS = Json.parse(t.formatted("[\"x\",\"y\"]"));
        JsonNode newS = Json.parse(t.formatted("[\"x\"]"));
        var changes = SchemaDiff.diff(oldS, newS);
        assertThat(changes).extracting(SchemaChange::label).containsExactly("ENUM_NARROWED(k)");
        assertCounterexample(changes.get(0), oldS, newS);
    }

    static void assertCounterexample(SchemaChange c, JsonNode oldS, JsonNode newS) {
        assertThat(c.counterexample()).as("counterexample for %s", c).isNotNull();
        JsonNode instance = c.counterexample().instance();
        boolean oldOk = VALIDATOR.accepts(oldS, instance);
        boolean newOk = VALIDATOR.accepts(newS, instance);
        if (c.counterexample().acceptedBy().equals("old")) {
            assertThat(oldOk && !newOk)
                    .as("old accepts, new rejects %s", instance)
                    .isTrue();
        } else {
            assertThat(newOk && !oldOk)
                    .as("new accepts, old rejects %s", instance)
                    .isTrue();
        }
    }

    private interface Edit {
        void apply(ObjectNode schema);
    }

    private static Arguments row(ChangeKind kind, String label, Edit edit) {
        if (edit == null) {
            return Arguments.of(kind, label, null);
        }
        ObjectNode s = (ObjectNode) Json.parse(BASE);
        edit.apply(s);
        return Arguments.of(kind, label, Json.write(s));
    }

    private static ObjectNode props(ObjectNode s) {
        return (ObjectNode) s.get("properties");
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode required(ObjectNode s) {
        return (com.fasterxml.jackson.databind.node.ArrayNode) s.get("required");
    }
}
