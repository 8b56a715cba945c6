package dev.keel.emulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultPlanTest {

    @TempDir
    Path dir;

    @Test
    void pick_routeMatching_methodPathAndPrefix() {
        assertThat(FaultRule.withProbability("POST /v1/responses", 1, new FaultEffect.Stall())
                        .matches("POST", "/v1/responses"))
                .isTrue();
        assertThat(FaultRule.withProbability("POST /v1/responses", 1, new FaultEffect.Stall())
                        .matches("GET", "/v1/responses"))
                .isFalse();
        assertThat(FaultRule.withProbability("/v1/batches*", 1, new FaultEffect.Stall())
                        .matches("GET", "/v1/batches/b1"))
                .isTrue();
        assertThat(FaultRule.withProbability("*", 1, new FaultEffect.Stall()).matches("DELETE", "/v1/files/x"))
                .isTrue();
    }

    @Test
    void pick_schemaScopedRule_firesOnlyForThatSchema() throws IOException {
        Path file = dir.resolve("faults.yaml");
        Files.writeString(file, """
                seed: 5
                rules:
                  - route: POST /v1/responses
                    schema: ticket_v2
                    fault: "bad-sample:missing-field"
                """);
        var plan = FaultPlan.load(file);
        assertThat(plan.hasSchemaRules()).isTrue();
        assertThat(plan.pick("POST", "/v1/responses", "ticket_v2"))
                .contains(new FaultEffect.BadSample(FaultEffect.SampleDefect.MISSING_FIELD));
        assertThat(plan.pick("POST", "/v1/responses", "ticket_v1")).isEmpty();
        assertThat(plan.pick("POST", "/v1/responses")).isEmpty();
    }

    @Test
    void pick_firstMatchingRuleThatFires_wins() {
        var plan = new FaultPlan(
                1,
                List.of(
                        FaultRule.withProbability("POST /v1/responses", 0, new FaultEffect.Stall()),
                        FaultRule.withProbability("POST /v1/responses", 1, new FaultEffect.Reset())));
        assertThat(plan.pick("POST", "/v1/responses")).contains(new FaultEffect.Reset());
        assertThat(plan.pick("POST", "/v1/files")).isEmpty();
    }

    @Test
    void pick_script_handsOutEffectsInOrderThenNothing() {
        var plan = new FaultPlan(
                0,
                List.of(FaultRule.scripted("/v1/responses", List.of(new FaultEffect.Reset(), new FaultEffect.None()))));
        List<Optional<FaultEffect>> picks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            picks.add(plan.pick("POST", "/v1/responses"));
        }
        assertThat(picks)
                .containsExactly(
                        Optional.of(new FaultEffect.Reset()), Optional.of(new FaultEffect.None()), Optional.empty());
    }

    @Test
    void load_yamlFile_readsSeedRulesAndScripts() throws IOException {
        Path file = dir.resolve("faults.yaml");
        Files.writeString(file, """
                seed: 42
                rules:
                  - route: POST /v1/responses
                    probability: 0.25
                    fault: "status:503,retry-after:1"
                  - route: /v1/chat/completions
                    script: ["status:429", "ok", "reset"]
                """);
        FaultPlan plan = FaultPlan.load(file);
        assertThat(plan.seed()).isEqualTo(42);
        assertThat(plan.rules()).hasSize(2);
        assertThat(plan.rules().get(0).probability()).isEqualTo(0.25);
        assertThat(plan.rules().get(0).effect().describe()).isEqualTo("status:503,retry-after-ms:1000");
        assertThat(plan.rules().get(1).script()).hasSize(3);
        assertThat(plan.rules().get(1).method()).isNull();
    }

    @Test
    void load_badRule_namesTheFileRuleAndProblem() throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "rules:\n  - route: POST /v1/responses\n    fault: status:200\n");
        assertThatThrownBy(() -> FaultPlan.load(file))
                .hasMessageStartingWith(file + ":2: rules[0]: invalid fault 'status:200'")
                .hasMessageContaining("400-599");
        Files.writeString(file, "rules:\n  - route: POST /v1/responses\n    probability: 1.5\n    fault: stall\n");
        assertThatThrownBy(() -> FaultPlan.load(file))
                .hasMessageContaining("rules[0]: probability must be within 0..1");
        Files.writeString(file, "rules:\n  - fault: stall\n");
        assertThatThrownBy(() -> FaultPlan.load(file)).hasMessageContaining("rules[0]: 'route' is required");
        assertThatThrownBy(() -> FaultPlan.load(dir.resolve("missing.yaml")))
                .hasMessageContaining("no such fault file");
    }

    @Test
    void load_unknownKeyWrongShapeOrBadSeed_namesTheFileLineAndKey() throws IOException {
        Path file = dir.resolve("faults.yaml");
        Files.writeString(
                file, "seed: 4\nrules:\n  - route: POST /v1/responses\n    probabilty: 0.5\n    fault: stall\n");
        assertThatThrownBy(() -> FaultPlan.load(file))
                .hasMessage(file + ":4: rules[0].probabilty: unknown key; did you mean 'probability'?");
        Files.writeString(file, "sead: 4\nrules: []\n");
        assertThatThrownBy(() -> FaultPlan.load(file)).hasMessage(file + ":1: sead: unknown key; did you mean 'seed'?");
        Files.writeString(file, "rules: []\nseed: abc\n");
        assertThatThrownBy(() -> FaultPlan.load(file)).hasMessage(file + ":2: seed: must be a whole number, was 'abc'");
        Files.writeString(file, "- route: POST /v1/responses\n");
        assertThatThrownBy(() -> FaultPlan.load(file))
                .hasMessageContaining("a fault file is a mapping")
                .hasMessageContaining("got a array");
        Files.writeString(file, "just text\n");
        assertThatThrownBy(() -> FaultPlan.load(file)).hasMessageContaining("got a string");
    }

    @Test
    void parseFlag_routeEqualsFaultAtProbability() {
        FaultRule rule = FaultRule.parseFlag("POST /v1/responses=status:503@0.2");
        assertThat(rule.route()).isEqualTo("POST /v1/responses");
        assertThat(rule.probability()).isEqualTo(0.2);
        assertThat(rule.effect()).isEqualTo(new FaultEffect.Status(503, null, null));
        assertThatThrownBy(() -> FaultRule.parseFlag("status:503")).hasMessageContaining("ROUTE=FAULT[@PROBABILITY]");
        assertThatThrownBy(() -> FaultRule.parseFlag("/v1/x=stall@often"))
                .hasMessageContaining("'often' is not a number");
    }
}
