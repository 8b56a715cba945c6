package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkRedo;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.report.Reports;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch or file the upstream no longer knows (404) has a finite outcome: the chunk is redone once
 * (uploaded and created again, marked in the ledger and in the batch's metadata); forgotten again,
 * its items go to the manual queue as {@code upstream_forgot}.
 */
class ForgottenUpstreamTest {

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

    private PlanResult plan(int n) {
        return f.plan(f.input("in.jsonl", n), PlanConfig.ofDefaults().withMaxItems(10));
    }

    @Test
    void aForgottenBatch_isRedoneOnce_andTheRunSucceeds() throws Exception {
        f.script("GET /v1/batches/*", "status:404");
        PlanResult p = plan(4);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 4, 0, false));
        assertThat(f.creates()).as("the first batch and the redo's").isEqualTo(2);
        assertThat(f.emulator.requests("POST", "/v1/files")).hasSize(2);
        var second =
                Json.parse(f.emulator.requests("POST", "/v1/batches").get(1).body());
        assertThat(second.at("/metadata/keel_redo").asText()).isEqualTo("1");
        assertThat(ChunkRedo.count(
                        f.ledger, p.runId(), f.ledger.chunks(p.runId()).get(0).chunkNo()))
                .isEqualTo(1);
        assertThat(f.history().results(p.runId())).hasSize(4);
    }

    @Test
    void aChunkForgottenTwice_goesToTheManualQueueAsUpstreamForgot() throws Exception {
        f.script("GET /v1/batches/*", "status:404", "status:404");
        PlanResult p = plan(3);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 3, false));
        assertThat(f.creates()).as("redone once, not forever").isEqualTo(2);
        new Reports(f.ledger).export(p.runId(), dir.resolve("out"));
        List<String> manual = Files.readAllLines(dir.resolve("out/manual.jsonl"));
        assertThat(manual).hasSize(3);
        assertThat(manual)
                .allSatisfy(l -> assertThat(Json.parse(l).path("code").asText()).isEqualTo("upstream_forgot"));
        assertThat(Json.parse(manual.get(0)).path("message").asText()).contains("forgotten again after a redo");
        assertThat(f.ledger.itemCounts(p.runId()).get(ItemState.FINAL_FAIL)).isEqualTo(3);
    }

    @Test
    void aForgottenOutputFile_redoesTheChunkOnce() throws Exception {
        f.script("GET /v1/files/*", "status:404");
        PlanResult p = plan(3);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 3, 0, false));
        assertThat(f.creates()).isEqualTo(2);
    }

    @Test
    void aForgottenInputFile_isUploadedAgainOnce() throws Exception {
        f.script("POST /v1/batches", "status:404");
        PlanResult p = plan(2);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 2, 0, false));
        assertThat(f.emulator.requests("POST", "/v1/files")).hasSize(2);
    }

    @Test
    void cancellingARunWhoseBatchWasForgotten_endsItsItemsInsteadOfFailingForever() throws Exception {
        PlanResult p = plan(3);
        var runner = f.runner(BatchFixture.fast());
        while (f.ledger.chunks(p.runId()).get(0).batchId() == null) {
            runner.step(p.runId());
        }
        f.script("GET /v1/batches/*", "status:404", "status:404", "status:404");
        f.ledger.requestCancel(p.runId());
        f.ledger.makeDue(p.runId());
        RunOutcome o = runner.drive(p.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(p.runId(), 0, 3, true));
        assertThat(f.creates()).as("nothing is redone while cancelling").isEqualTo(1);
        assertThat(f.history().items(p.runId(), null).stream()
                        .map(i -> i.errorCode())
                        .distinct())
                .containsExactly("upstream_forgot");
    }

    @Test
    void anUnreachableUpstream_isWaitedForVisibly_thenGivenUpAfterTenMinutes_andTheRunResumes() throws Exception {
        PlanResult p = plan(2);
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        var clock = new MutableClock();
        var config = dev.keel.core.KeelClientConfig.builder(
                        "sk-test-batch", java.net.URI.create("http://127.0.0.1:" + port + "/v1"))
                .trafficClass(dev.keel.core.TrafficClass.BATCH)
                .build();
        var lines = new java.util.ArrayList<String>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void progress(RunProgress progress) {}

            @Override
            public void waiting(String line) {
                lines.add(line);
            }
        };
        try (var down = dev.keel.core.KeelClient.builder(config).build()) {
            var runner = new BatchRunner(
                    f.ledger,
                    down,
                    f.prices,
                    ReplayPolicy.ofDefaults(),
                    RunConfig.ofDefaults().withPollInterval(java.time.Duration.ofMinutes(1)),
                    clock,
                    clock::advance,
                    listener);
            assertThatThrownBy(() -> runner.drive(p.runId()))
                    .isInstanceOf(UpstreamGaveUpException.class)
                    .hasMessageContaining(
                            "gave up after 10m without getting through to upstream http://127.0.0.1:" + port)
                    .hasMessageContaining("run " + p.runId() + " is resumable")
                    .satisfies(e -> assertThat(dev.keel.core.error.KeelException.class
                                    .cast(e)
                                    .kind()
                                    .retryable())
                            .isTrue());
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines.get(0))
                .startsWith("waiting for upstream http://127.0.0.1:" + port + "/v1: ")
                .endsWith("giving up in 10m");
        assertThat(lines.get(lines.size() - 1)).contains("giving up in");
        assertThat(f.ledger.itemCounts(p.runId()).get(ItemState.PENDING)).isEqualTo(2);

        // The fake clock ran 10 minutes ahead of the real one the resumed runner uses: the chunks'
        // next tries are due now, as they would be for a rerun that comes after them.
        f.ledger.makeDue(p.runId());
        RunOutcome resumed = f.runner(BatchFixture.fast()).drive(p.runId());
        assertThat(resumed).isEqualTo(new RunOutcome.Finished(p.runId(), 2, 0, false));
    }

    /** A clock the fake sleeper moves forward. */
    private static final class MutableClock extends java.time.Clock {
        private long millis = System.currentTimeMillis();

        synchronized void advance(java.time.Duration d) {
            millis += d.toMillis();
        }

        @Override
        public synchronized long millis() {
            return millis;
        }

        @Override
        public java.time.Instant instant() {
            return java.time.Instant.ofEpochMilli(millis());
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
