package dev.keel.structured.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Lint and diff of schemas at and beyond the API's limits complete with correct results: every
 * change listed, at most {@link SchemaDiff#EXAMPLES_PER_KIND} verified examples per kind, and notes
 * for what was left out and for a schema the API would refuse. Speed is measured in bench/, not here.
 */
class SchemaScaleTest {

    private final SchemaValidator validator = new SchemaValidator();

    @Test
    void lint_5000Properties_atTheLimit_isClean() {
        SchemaLint.Report r = SchemaLint.report(LargeSchemas.wide(5_000, 0));
        assertThat(r.findings()).isEmpty();
        assertThat(r.notes()).isEmpty();
        assertThat(r.beyondLimits()).isFalse();
    }

    @Test
    void lint_5001Properties_isBeyondTheLimit() {
        SchemaLint.Report r = SchemaLint.report(LargeSchemas.wide(5_001, 0));
        assertThat(r.findings()).extracting(LintFinding::rule).containsExactly(LintRule.PROPERTY_LIMIT);
        assertThat(r.findings().get(0).message()).contains("5001 properties; the limit is 5000");
        assertThat(r.beyondLimits()).isTrue();
    }

    @Test
    void diff_5000Properties_listsEveryChange_withAtMostFiveVerifiedExamplesPerKind() {
        ObjectNode old = LargeSchemas.wide(5_000, 0);
        ObjectNode now = LargeSchemas.wide(5_000, 0);
        ObjectNode props = (ObjectNode) now.get("properties");
        ArrayNode required = (ArrayNode) now.get("required");
        for (int i = 0; i < 300; i++) { // 300 properties become nullable
            ((ObjectNode) props.get("p" + i)).putArray("type").add("string").add("null");
        }
        for (int i = 4_000; i < 4_999; i++) { // 999 removed
            props.remove("p" + i);
        }
        for (int i = required.size() - 1; i >= 0; i--) {
            int n = required.get(i).asText().startsWith("p")
                    ? Integer.parseInt(required.get(i).asText().substring(1))
                    : -1;
            if (n >= 4_000) {
                required.remove(i);
            }
        }

        SchemaDiff.Report r = SchemaDiff.report(old, now, validator);

        Map<ChangeKind, Long> byKind =
                r.changes().stream().collect(Collectors.groupingBy(SchemaChange::kind, Collectors.counting()));
        assertThat(byKind)
                .containsOnly(
                        Map.entry(ChangeKind.NULLABILITY_CHANGED, 300L), Map.entry(ChangeKind.FIELD_REMOVED, 999L));
        assertThat(r.changes().stream()
                        .filter(c -> c.kind() == ChangeKind.FIELD_REMOVED)
                        .map(SchemaChange::field))
                .contains("p4000", "p4998");
        assertExamplesVerified(r, old, now);
        assertThat(r.notes())
                .containsExactlyInAnyOrder(
                        "295 more NULLABILITY_CHANGED change(s) not shown with an example (the first 5 of each kind get one)",
                        "994 more FIELD_REMOVED change(s) not shown with an example (the first 5 of each kind get one)");
        assertThat(r.beyondLimits()).isFalse();
    }

    @Test
    void lintAndDiff_20000PropertiesWith50EnumValuesEach_completeAndSayTheSchemaIsBeyondTheLimits() {
        ObjectNode old = LargeSchemas.wide(20_000, 50);
        ObjectNode now = LargeSchemas.wide(20_000, 50);
        for (int i = 0; i < 19_999; i++) { // every enum loses its last value
            ((ArrayNode) now.get("properties").get("p" + i).get("enum")).remove(49);
        }

        SchemaLint.Report lint = SchemaLint.report(old);
        assertThat(lint.findings())
                .extracting(LintFinding::rule)
                .containsExactlyInAnyOrder(
                        LintRule.PROPERTY_LIMIT, LintRule.ENUM_VALUE_LIMIT, LintRule.STRING_SIZE_LIMIT);
        assertThat(lint.findings())
                .extracting(LintFinding::message)
                .anyMatch(m -> m.contains("20000 properties; the limit is 5000"))
                .anyMatch(m -> m.contains("999951 enum values; the limit is 1000"));
        assertThat(lint.beyondLimits()).isTrue();

        SchemaDiff.Report r = SchemaDiff.report(old, now, validator);

        assertThat(r.changes()).hasSize(19_999).allMatch(c -> c.kind() == ChangeKind.ENUM_NARROWED);
        assertThat(r.changes().get(0).detail()).isEqualTo("removed [\"v49\"]");
        assertExamplesVerified(r, old, now);
        assertThat(r.changes().get(5).example()).startsWith("not built: counterexamples are built for the first 5");
        assertThat(r.beyondLimits()).isTrue();
        assertThat(r.notes())
                .contains(
                        "19994 more ENUM_NARROWED change(s) not shown with an example (the first 5 of each kind get one)")
                .anyMatch(n -> n.startsWith("old schema exceeds the API's limits: the schema defines 20000 properties;"
                        + " the limit is 5000 [PROPERTY_LIMIT]"))
                .anyMatch(n -> n.startsWith("new schema exceeds the API's limits: the schema has 979952 enum values;"));
    }

    @Test
    void lint_manyFindingsOfOneRule_keepsTheFirstHundredAndNotesTheRest() {
        ObjectNode s = LargeSchemas.wide(2_000, 0);
        s.putArray("required").add("schema_version"); // 1,999 properties no longer required

        SchemaLint.Report r = SchemaLint.report(s);

        assertThat(r.findings())
                .hasSize(SchemaLint.MAX_FINDINGS_PER_RULE)
                .allMatch(f -> f.rule() == LintRule.PROPERTY_NOT_REQUIRED);
        assertThat(r.findings().get(0).pointer()).isEqualTo("/properties/p0");
        assertThat(r.notes())
                .containsExactly("1899 more finding(s) of PROPERTY_NOT_REQUIRED not shown (the first 100 are)");
    }

    @Test
    void lint_definitionsSharedByManyProperties_areWalkedOnce() {
        // root + 9 levels of definitions = 10 object levels: at the limit; 12^8 paths through the refs
        assertThat(SchemaLint.lint(LargeSchemas.sharedRefs(9, 12))).isEmpty();

        List<LintFinding> deeper = SchemaLint.lint(LargeSchemas.sharedRefs(10, 12));
        assertThat(deeper).singleElement().satisfies(f -> {
            assertThat(f.rule()).isEqualTo(LintRule.DEPTH_LIMIT);
            assertThat(f.pointer()).isEqualTo("/properties/d" + "/properties/f0".repeat(9));
            assertThat(f.message()).isEqualTo("nesting reaches 11 levels here; the limit is 10");
        });
    }

    /** Per kind: the first five carry a counterexample that the validator confirms; the rest are marked. */
    private void assertExamplesVerified(SchemaDiff.Report r, ObjectNode old, ObjectNode now) {
        Map<ChangeKind, List<SchemaChange>> byKind =
                r.changes().stream().collect(Collectors.groupingBy(SchemaChange::kind));
        byKind.forEach((kind, list) -> {
            List<SchemaChange> with =
                    list.stream().filter(c -> c.counterexample() != null).toList();
            assertThat(with).as(kind.toString()).hasSize(Math.min(5, list.size()));
            assertThat(list.subList(0, with.size())).isEqualTo(with);
            for (SchemaChange c : with) {
                var ce = c.counterexample();
                boolean oldOk = validator.accepts(old, ce.instance());
                boolean newOk = validator.accepts(now, ce.instance());
                assertThat(ce.acceptedBy().equals("old") ? oldOk && !newOk : newOk && !oldOk)
                        .as(c.toString())
                        .isTrue();
            }
            assertThat(list.subList(with.size(), list.size())).allMatch(SchemaChange::exampleSkipped);
        });
    }
}
