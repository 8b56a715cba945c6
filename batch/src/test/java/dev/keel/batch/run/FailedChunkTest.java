package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.CrashedLedger;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.report.Reports;
import dev.keel.batch.report.RunReport;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk the upstream fails whole (issue 14, point 5): every item ends in the manual queue with the
 * upstream's reason, and the report and exports never fail on what the ledger holds — here a line
 * that is not JSON, as a ledger planned by an older keel may hold, and a result body that is not
 * JSON.
 */
class FailedChunkTest {

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

    private List<JsonNode> exported(String runId, String file) throws Exception {
        new Reports(f.ledger).export(runId, dir.resolve("out"));
        return Files.readAllLines(dir.resolve("out").resolve(file)).stream()
                .map(Json::parse)
                .toList();
    }

    @Test
    void aBatchFailedForOneBadLine_routesEveryItemWithTheUpstreamsReason_andExportsTheBadLineAsText() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 4), PlanConfig.ofDefaults());
        String legacy = "\uFEFF" + BatchFixture.responsesLine("item-2", "Summarise ticket 2") + "\u0000garbage";
        CrashedLedger.itemLine(f.ledger, p.runId(), "item-2", legacy);

        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 4, false));
        assertThat(f.ledger.chunks(p.runId()).get(0).batchStatus()).isEqualTo("failed");
        List<JsonNode> manual = exported(p.runId(), "manual.jsonl");
        assertThat(manual)
                .extracting(m -> m.path("custom_id").asText())
                .containsExactly("item-1", "item-2", "item-3", "item-4");
        JsonNode bad = manual.get(1);
        assertThat(bad.path("code").asText()).isEqualTo("invalid_json_line");
        assertThat(bad.path("message").asText()).isEqualTo("This line is not parseable as valid JSON.");
        assertThat(bad.path("request").isTextual())
                .as("not JSON: exported as text")
                .isTrue();
        assertThat(bad.path("request").asText()).isEqualTo(legacy);
        for (JsonNode m : List.of(manual.get(0), manual.get(2), manual.get(3))) {
            assertThat(m.path("code").asText()).isEqualTo("batch_failed");
            assertThat(m.path("class").asText()).isEqualTo("final");
            assertThat(m.path("message").asText())
                    .contains("the upstream failed batch "
                            + f.ledger.chunks(p.runId()).get(0).batchId())
                    .contains("because of line 2 (invalid_json_line: This line is not parseable as valid JSON.)");
            assertThat(m.path("request").path("custom_id").asText())
                    .isEqualTo(m.path("custom_id").asText());
        }
        assertThat(exported(p.runId(), "failed.jsonl")).hasSize(4);
        RunReport r = new Reports(f.ledger).report(p.runId(), null, 0.03);
        assertThat(r.manual()).isEqualTo(4);
        assertThat(r.toText()).contains("4 manual");
    }

    @Test
    void anErrorFileForEveryLine_withNoReplaysLeft_routesEveryItemToTheManualQueueWithItsReason() throws Exception {
        f.batchOutcomes("batch:error-only");
        PlanResult p = f.plan(f.input("in.jsonl", 5), PlanConfig.ofDefaults());

        RunOutcome o = f.runner(BatchFixture.fast().withMaxReplays(0)).drive(p.runId());

        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 5, false));
        assertThat(f.ledger.chunks(p.runId()).get(0).batchStatus()).isEqualTo("completed");
        assertThat(exported(p.runId(), "manual.jsonl")).hasSize(5).allSatisfy(m -> {
            assertThat(m.path("status_code").isMissingNode()
                            || m.path("status_code").asInt() == 500)
                    .isTrue();
            assertThat(m.path("code").asText()).isEqualTo("server_error");
            assertThat(m.path("message").asText()).isNotBlank();
        });
    }

    @Test
    void aResultBodyThatIsNotJson_isExportedAsText_andTheReportStillWorks() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 2), PlanConfig.ofDefaults());
        f.runner(BatchFixture.fast()).drive(p.runId());
        CrashedLedger.resultBody(f.ledger, p.runId(), "item-1", "upstream said: <html>502</html>");

        List<JsonNode> results = exported(p.runId(), "results.jsonl");

        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("body").asText()).isEqualTo("upstream said: <html>502</html>");
        assertThat(results.get(1).path("body").isObject()).isTrue();
        assertThat(new Reports(f.ledger).report(p.runId(), null, 0.03).ok()).isEqualTo(2);
        assertThat(f.ledger.itemCounts(p.runId())).containsEntry(ItemState.SUCCEEDED, 2L);
    }
}
