package dev.keel.structured.schema;

import static dev.keel.structured.schema.SchemaDiffTest.assertCounterexample;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Changes inside {@code anyOf}/{@code oneOf} branches, and branches added or removed. */
class SchemaDiffBranchesTest {

    /** {@code contact}: an email object, a phone (through {@code $defs}), or a string marker. */
    static final String BASE = """
            {"type":"object","additionalProperties":false,"required":["schema_version","contact"],
             "$defs":{"phone":{"type":"object","additionalProperties":false,"required":["number","kind"],
                      "properties":{"number":{"type":"string"},"kind":{"type":"string","enum":["home","work"]}}}},
             "properties":{
               "schema_version":{"type":"string","enum":["v1"]},
               "contact":{"anyOf":[
                 {"type":"object","additionalProperties":false,"required":["email","verified"],
                  "properties":{"email":{"type":"string"},"verified":{"type":"boolean"}}},
                 {"$ref":"#/$defs/phone"},
                 {"type":"string","enum":["none","unknown"]}]}}}""";

    @Test
    void diff_fieldRemovedInABranch_isFieldRemovedAtTheBranchPointer() {
        var c = only(BASE, s -> {
            ObjectNode email = (ObjectNode) branches(s).get(0);
            ((ObjectNode) email.get("properties")).remove("verified");
            email.set("required", Json.parse("[\"email\"]"));
        });
        assertThat(c.label()).isEqualTo("FIELD_REMOVED(contact.verified)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/0/properties/verified");
        assertThat(c.counterexample().instance().path("contact").has("verified"))
                .isTrue();
    }

    @Test
    void diff_enumNarrowedInABranch_isEnumNarrowedWithTheRemovedValue() {
        var c = only(BASE, s -> ((ObjectNode) branches(s).get(2)).set("enum", Json.parse("[\"none\"]")));
        assertThat(c.label()).isEqualTo("ENUM_NARROWED(contact)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/2/enum");
        assertThat(c.counterexample().instance().path("contact").asText()).isEqualTo("unknown");
    }

    @Test
    void diff_typeChangedInABranch_isTypeChangedWithAValueOfTheOldType() {
        var c = only(BASE, s -> branches(s).set(2, Json.parse("{\"type\":\"integer\"}")));
        assertThat(c.label()).isEqualTo("TYPE_CHANGED(contact)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/2");
        assertThat(c.detail()).isEqualTo("string -> integer");
        assertThat(c.counterexample().acceptedBy()).isEqualTo("old");
    }

    @Test
    void diff_changeInADefinitionReachedThroughABranch_isReportedAtTheBranchPath() {
        var c = only(
                BASE, s -> ((ObjectNode) s.at("/$defs/phone/properties/kind")).set("enum", Json.parse("[\"home\"]")));
        assertThat(c.label()).isEqualTo("ENUM_NARROWED(contact.kind)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/1/properties/kind/enum");
        assertThat(c.counterexample().instance().at("/contact/kind").asText()).isEqualTo("work");
    }

    @Test
    void diff_branchAdded_widensWithAnOutputOnlyTheNewAccepts() {
        var c = only(BASE, s -> branches(s).add(Json.parse("{\"type\":\"integer\"}")));
        assertThat(c.label()).isEqualTo("BRANCH_ADDED(contact)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/3");
        assertThat(c.consumerRisk()).isEqualTo(Risk.HIGH);
        assertThat(c.inFlightRisk()).isEqualTo(Risk.NONE);
        assertThat(c.counterexample().acceptedBy()).isEqualTo("new");
        assertThat(c.counterexample().instance().path("contact").isIntegralNumber())
                .isTrue();
    }

    @Test
    void diff_branchRemoved_narrowsWithAnOutputOnlyTheOldAccepts() {
        var c = only(BASE, s -> branches(s).remove(2));
        assertThat(c.label()).isEqualTo("BRANCH_REMOVED(contact)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/anyOf/2");
        assertThat(c.inFlightRisk()).isEqualTo(Risk.HIGH);
        assertThat(c.counterexample().acceptedBy()).isEqualTo("old");
        assertThat(c.counterexample().instance().path("contact").asText()).isEqualTo("none");
    }

    @Test
    void diff_branchInsertedAtTheFront_pairsTheOthersByLikenessAndPointsIntoTheNewIndices() {
        var changes = diff(BASE, s -> {
            branches(s).insert(0, Json.parse("{\"type\":\"integer\"}"));
            ((ObjectNode) branches(s).get(3)).set("enum", Json.parse("[\"none\"]"));
        });
        assertThat(changes)
                .extracting(SchemaChange::label, SchemaChange::pointer)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "ENUM_NARROWED(contact)", "/properties/contact/anyOf/3/enum"),
                        org.assertj.core.groups.Tuple.tuple("BRANCH_ADDED(contact)", "/properties/contact/anyOf/0"));
    }

    @Test
    void diff_enumNarrowedInAOneOfBranch_isReportedLikeAnAnyOf() {
        String oneOf = BASE.replace("anyOf", "oneOf");
        var c = only(
                oneOf, s -> ((ObjectNode) s.at("/properties/contact/oneOf/2")).set("enum", Json.parse("[\"none\"]")));
        assertThat(c.label()).isEqualTo("ENUM_NARROWED(contact)");
        assertThat(c.pointer()).isEqualTo("/properties/contact/oneOf/2/enum");
    }

    @Test
    void diff_nullBranchAdded_isNullabilityNotABranch() {
        var changes = diff(BASE, s -> branches(s).add(Json.parse("{\"type\":\"null\"}")));
        assertThat(changes).extracting(SchemaChange::label).containsExactly("NULLABILITY_CHANGED(contact)");
        assertCounterexample(
                changes.get(0),
                Json.parse(BASE),
                Json.parse(edited(BASE, s -> branches(s).add(Json.parse("{\"type\":\"null\"}")))));
    }

    @Test
    void diff_unionUnchangedButReordered_hasNoChanges() {
        JsonNode a = Json.parse(BASE);
        assertThat(SchemaDiff.diff(a, CanonicalJson.sorted(a))).isEmpty();
    }

    @Test
    void diff_plainFieldBecomesAUnion_isABranchAddedBesideTheOldType() {
        String old = """
                {"type":"object","additionalProperties":false,"required":["id"],
                 "properties":{"id":{"type":"string"}}}""";
        var c = only(
                old,
                s -> s.set(
                        "properties",
                        Json.parse("{\"id\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}}")));
        assertThat(c.label()).isEqualTo("BRANCH_ADDED(id)");
        assertThat(c.pointer()).isEqualTo("/properties/id/anyOf/1");
    }

    /** The one change an edit of {@code base} makes, with its counterexample verified. */
    private static SchemaChange only(String base, Consumer<ObjectNode> edit) {
        List<SchemaChange> changes = diff(base, edit);
        assertThat(changes).hasSize(1);
        SchemaChange c = changes.get(0);
        assertThat(c.breaking()).isTrue();
        assertCounterexample(c, Json.parse(base), Json.parse(edited(base, edit)));
        return c;
    }

    private static List<SchemaChange> diff(String base, Consumer<ObjectNode> edit) {
        return SchemaDiff.diff(Json.parse(base), Json.parse(edited(base, edit)));
    }

    private static String edited(String base, Consumer<ObjectNode> edit) {
        ObjectNode s = (ObjectNode) Json.parse(base);
        edit.accept(s);
        return Json.write(s);
    }

    private static ArrayNode branches(ObjectNode s) {
        return (ArrayNode) s.at("/properties/contact/anyOf");
    }
}
