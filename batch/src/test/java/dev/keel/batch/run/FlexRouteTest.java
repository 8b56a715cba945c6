package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ResultRecord;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import dev.keel.wire.json.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flex route's rule and the sync fallback's use of flex, against the emulator and a real
 * SQLite ledger ({@code BatchFlexRouteTest} and {@code BatchFlexCrashTest} in keel-cli drive the
 * route through {@code keel batch run}).
 */
class FlexRouteTest {

    @TempDir
    Path dir;

    private BatchFixture f;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    /** {@code n} lines of a model the shipped table has a flex rate for. */
    private PlanResult planFlexPriced(int n) {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add(BatchFixture.responsesLine("item-" + i, "Summarise ticket " + i)
                    .replace("gpt-4.1-mini", "gpt-5-mini"));
        }
        return f.plan(f.write("flex.jsonl", lines), PlanConfig.ofDefaults().withMaxItems(10));
    }

    private Map<String, Long> tiers(String runId) {
        return f.history().results(runId).stream()
                .collect(Collectors.groupingBy(ResultRecord::tier, Collectors.counting()));
    }

    private RunOutcome driveIntoTheSyncFallback(PlanResult p) throws Exception {
        var clock = new BatchRunnerTest.ShiftedClock();
        var runner = f.runner(
                BatchFixture.fast().withSyncFallback(true, Duration.ofMinutes(10)), ReplayPolicy.ofDefaults(), clock);
        assertThat(runner.step(p.runId())).isTrue(); // submitted
        clock.shift(Duration.ofMinutes(9));
        return runner.drive(p.runId());
    }

    @Test
    void theSyncFallbackSendsAtTheFlexTierWhereTheModelHasAFlexRate() throws Exception {
        PlanResult p = planFlexPriced(6);
        f.batchOutcomes("batch:expired");
        assertThat(driveIntoTheSyncFallback(p)).isEqualTo(new RunOutcome.Finished(p.runId(), 6, 0, false));
        Map<String, Long> tiers = tiers(p.runId());
        assertThat(tiers).containsKey("FLEX").doesNotContainKey("STANDARD");
        assertThat(f.emulator.requests("POST", "/v1/responses"))
                .hasSize(tiers.get("FLEX").intValue())
                .allSatisfy(r -> assertThat(
                                Json.parse(r.body()).path("service_tier").asText())
                        .isEqualTo("flex"));
    }

    @Test
    void theSyncFallbackGoesStandardWhenFlexKeepsRefusing() throws Exception {
        PlanResult p = planFlexPriced(6);
        f.emulator.replaceFaults(new FaultPlan(
                1,
                List.of(
                        FaultRule.scripted("POST /v1/batches", List.of(FaultSpec.parse("batch:expired"))),
                        FaultRule.withProbability("POST /v1/responses", 1.0, FaultSpec.parse("flex-unavailable")))));
        assertThat(driveIntoTheSyncFallback(p)).isEqualTo(new RunOutcome.Finished(p.runId(), 6, 0, false));
        Map<String, Long> tiers = tiers(p.runId());
        assertThat(tiers).containsKey("STANDARD").doesNotContainKey("FLEX");
        long standard = f.emulator.requests("POST", "/v1/responses").stream()
                .filter(r -> !Json.parse(r.body()).has("service_tier"))
                .count();
        assertThat(standard).isEqualTo(tiers.get("STANDARD"));
    }

    @Test
    void theSyncFallbackStaysStandardForAModelWithoutAFlexRate() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 6), PlanConfig.ofDefaults().withMaxItems(10));
        f.batchOutcomes("batch:expired");
        assertThat(driveIntoTheSyncFallback(p)).isEqualTo(new RunOutcome.Finished(p.runId(), 6, 0, false));
        assertThat(tiers(p.runId())).containsKey("STANDARD").doesNotContainKey("FLEX");
        assertThat(f.emulator.requests("POST", "/v1/responses"))
                .allSatisfy(r ->
                        assertThat(Json.parse(r.body()).has("service_tier")).isFalse());
    }

    @Test
    void autoTakesFlexOnlyUnderADayWithFlexPricesAndWhenTheRunFitsInHalfTheTolerance() {
        var auto = FlexConfig.ofDefaults().withRoute(BatchRoute.AUTO); // 16 at once
        // ceil(480 / 16) = 30 min <= 1h / 2
        assertThat(auto.choose(480, Duration.ofHours(1), true)).isEqualTo(BatchRoute.FLEX);
        assertThat(auto.choose(481, Duration.ofHours(1), true)).isEqualTo(BatchRoute.BATCH);
        assertThat(auto.choose(2_880, Duration.ofHours(6), true)).isEqualTo(BatchRoute.FLEX);
        assertThat(auto.choose(1, Duration.ofHours(24), true)).isEqualTo(BatchRoute.BATCH);
        assertThat(auto.choose(1, Duration.ofHours(1), false)).isEqualTo(BatchRoute.BATCH);
        assertThat(auto.choose(0, Duration.ofMinutes(10), true)).isEqualTo(BatchRoute.FLEX);
        var wide = new FlexConfig(BatchRoute.AUTO, FlexFallback.BATCH, 64, Duration.ofMinutes(15));
        assertThat(wide.choose(10_000, Duration.ofHours(6), true)).isEqualTo(BatchRoute.FLEX);
        assertThat(wide.choose(10_000, Duration.ofHours(1), true)).isEqualTo(BatchRoute.BATCH);
        // an explicit route is kept, whatever the size
        assertThat(FlexConfig.ofDefaults().choose(1_000_000, Duration.ofMinutes(10), true))
                .isEqualTo(BatchRoute.BATCH);
        assertThat(FlexConfig.ofDefaults().withRoute(BatchRoute.FLEX).choose(1_000_000, Duration.ofHours(24), true))
                .isEqualTo(BatchRoute.FLEX);
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> BatchRoute.parse("fast"))
                .hasMessage("--route must be batch, flex or auto, was 'fast'");
        assertThatThrownBy(() -> FlexFallback.parse("later"))
                .hasMessage("--flex-fallback must be batch, standard or manual, was 'later'");
        assertThatThrownBy(() -> new FlexConfig(BatchRoute.FLEX, FlexFallback.BATCH, 0, Duration.ofMinutes(15)))
                .hasMessageContaining("--flex-concurrency must be between 1 and 256, was 0");
        assertThatThrownBy(() -> new FlexConfig(BatchRoute.FLEX, FlexFallback.BATCH, 257, Duration.ofMinutes(15)))
                .hasMessageContaining("--flex-concurrency");
        assertThatThrownBy(() -> new FlexConfig(BatchRoute.FLEX, FlexFallback.BATCH, 4, Duration.ZERO))
                .hasMessageContaining("--flex-timeout must be positive");
    }

    @Test
    void flexOnAModelWithoutAFlexRateIsRefusedBeforeAnythingIsSent() {
        PlanResult p = f.plan(f.input("in.jsonl", 3), PlanConfig.ofDefaults());
        var runner = f.runner(BatchFixture.fast()).flex(FlexConfig.ofDefaults().withRoute(BatchRoute.FLEX));
        assertThatThrownBy(() -> runner.drive(p.runId()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--route flex: gpt-4.1-mini has no flex rate");
        assertThat(f.emulator.requests()).isEmpty();
    }
}
