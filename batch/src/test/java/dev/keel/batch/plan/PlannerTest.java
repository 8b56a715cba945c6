package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRecord;
import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.ledger.Ledger;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.RequestTokens;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlannerTest {

    @TempDir
    Path dir;

    private Ledger ledger() {
        return new Ledger(Database.open("jdbc:sqlite:" + dir.resolve("keel.db")));
    }

    private PlanResult plan(Ledger ledger, Path input, PlanConfig config) {
        return new Planner(config, PriceTable.builtIn(), ledger, Clock.systemUTC())
                .plan(RunInput.of(input), dir.resolve("run"));
    }

    private Path file(List<String> lines) throws Exception {
        Path p = dir.resolve("in.jsonl");
        Files.write(p, lines);
        return p;
    }

    private static String chat(String id, String model) {
        return "{\"custom_id\":\"" + id
                + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"" + model
                + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello there\"}],\"max_tokens\":10}}";
    }

    @Test
    void splitsByUrlAndModelAndAtMaxItemsAndWritesEachChunkBeforeAnyUpload() throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            lines.add(BatchFixture.responsesLine("r-" + i, "hello " + i));
            lines.add(chat("c-" + i, i % 2 == 0 ? "gpt-4o" : "gpt-4o-mini"));
        }
        Ledger ledger = ledger();
        PlanResult r = plan(ledger, file(lines), PlanConfig.ofDefaults().withMaxItems(3));
        assertThat(r.accepted()).isTrue();
        assertThat(r.items()).isEqualTo(14);
        List<ChunkRecord> chunks = ledger.chunks(r.runId());
        // responses: 3+3+1, gpt-4o: 3+1, gpt-4o-mini: 3
        assertThat(chunks).extracting(ChunkRecord::items).containsExactlyInAnyOrder(3, 3, 1, 3, 1, 3);
        for (ChunkRecord c : chunks) {
            Path f = dir.resolve("run/chunks").resolve(c.fileName());
            List<String> written = Files.readAllLines(f);
            assertThat(written).hasSize(c.items());
            assertThat(written)
                    .allSatisfy(l ->
                            assertThat(Json.parse(l).at("/body/model").asText()).isEqualTo(c.model()));
            assertThat(c.fileName()).startsWith(r.runId() + "-chunk-");
        }
        assertThat(ledger.itemCounts(r.runId()).get(ItemState.PENDING)).isEqualTo(14);
        assertThat(r.estBatchUsd().multiply(java.math.BigDecimal.TWO)).isEqualByComparingTo(r.estSyncUsd());
    }

    @Test
    void invalidLinesRefuseTheRunAndListEveryProblemWithFileLineAndCustomId() throws Exception {
        Path in = file(
                List.of(
                        BatchFixture.responsesLine("a", "x"),
                        "{not json",
                        BatchFixture.responsesLine("a", "again"),
                        "{\"custom_id\":\"s\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4o\",\"stream\":true}}",
                        "",
                        "{\"custom_id\":\"u\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"my-finetune\"}}"));
        Ledger ledger = ledger();
        PlanResult r = plan(ledger, in, PlanConfig.ofDefaults());
        assertThat(r.accepted()).isFalse();
        assertThat(r.problemCount()).isEqualTo(5);
        assertThat(r.problems())
                .extracting(Object::toString)
                .containsExactly(
                        in
                                + ":2: -: not valid JSON: Unexpected character ('n' (code 110)): was expecting double-quote to start field name",
                        in
                                + ":3: a: duplicate custom_id: first used at line 1; every custom_id must be unique across the run",
                        in + ":4: s: body.stream is true: the Batch API does not stream; remove it",
                        in + ":5: -: empty line: remove it (a JSONL file has one request per line)",
                        in
                                + ":6: u: model 'my-finetune' has no price in the price table (as of 2026-12-02); add it with --prices FILE");
        assertThat(ledger.run(r.runId())).isEmpty();
        assertThat(ledger.chunks(r.runId())).isEmpty();
        assertThat(dir.resolve("run/chunks")).isEmptyDirectory();
        assertThat(Files.readAllLines(dir.resolve("run/problems.txt"))).hasSize(5);
    }

    @Test
    void skipInvalidMovesBadLinesToRejectedWithReasonsAndKeepsTheRest() throws Exception {
        Path in = file(List.of(
                BatchFixture.responsesLine("a", "x"),
                "{\"custom_id\":\"b\",\"method\":\"PUT\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4o\"}}",
                BatchFixture.responsesLine("c", "y")));
        Ledger ledger = ledger();
        PlanResult r = plan(ledger, in, PlanConfig.ofDefaults().withSkipInvalid(true));
        assertThat(r.accepted()).isTrue();
        assertThat(r.items()).isEqualTo(2);
        assertThat(ledger.run(r.runId()).orElseThrow().rejected()).isEqualTo(1);
        List<String> rejected = Files.readAllLines(dir.resolve("run/rejected.jsonl"));
        assertThat(rejected).hasSize(1);
        var j = Json.parse(rejected.get(0));
        assertThat(j.path("line").asInt()).isEqualTo(2);
        assertThat(j.path("custom_id").asText()).isEqualTo("b");
        assertThat(j.path("reason").asText()).contains("method must be \"POST\"");
        assertThat(Json.parse(j.path("raw").asText()).path("method").asText()).isEqualTo("PUT");
    }

    @Test
    void chunksNeverExceedTheByteLimit() throws Exception {
        var lines = new ArrayList<String>();
        for (int i = 0; i < 30; i++) {
            lines.add(BatchFixture.responsesLine("b-" + i, "x".repeat(200)));
        }
        Ledger ledger = ledger();
        long lineBytes = lines.get(0).length() + 1;
        PlanResult r = plan(ledger, file(lines), PlanConfig.ofDefaults().withMaxChunkBytes(lineBytes * 4 + 10));
        assertThat(ledger.chunks(r.runId()))
                .allSatisfy(c -> assertThat(c.bytes()).isLessThanOrEqualTo(lineBytes * 4 + 10));
        assertThat(ledger.chunks(r.runId())).hasSize(8);
    }

    @Test
    void inputTokensAreCountedWithTheModelsTokenizerAndOutputIsBoundedByTheRequest() {
        var body = Json.parse(
                "{\"model\":\"gpt-4o\",\"instructions\":\"Be brief.\",\"input\":\"hello world\",\"max_output_tokens\":42}");
        var t = RequestTokens.of(Endpoints.RESPONSES, "gpt-4o", body, 1000);
        int text = dev.keel.wire.tokens.TokenCounter.count("gpt-4o", "Be brief.")
                + dev.keel.wire.tokens.TokenCounter.count("gpt-4o", "hello world");
        assertThat(t.input()).isEqualTo(text + RequestTokens.PER_REQUEST);
        assertThat(t.outputBound()).isEqualTo(42);
        var embed = Json.parse("{\"model\":\"text-embedding-3-small\",\"input\":[\"a b\",\"c\"]}");
        assertThat(RequestTokens.of(Endpoints.EMBEDDINGS, "text-embedding-3-small", embed, 1000)
                        .outputBound())
                .isZero();
        var noBound = Json.parse("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(RequestTokens.of(Endpoints.CHAT, "gpt-4o", noBound, 777).outputBound())
                .isEqualTo(777);
    }

    @Test
    void planConfigRefusesOutOfRangeValuesNamingTheOption() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PlanConfig.ofDefaults().withMaxItems(50_001))
                .hasMessageContaining("--max-items must be between 1 and 50000");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> PlanConfig.ofDefaults().withMaxChunkBytes(300L * 1024 * 1024))
                .hasMessageContaining("--max-chunk-bytes");
    }
}
