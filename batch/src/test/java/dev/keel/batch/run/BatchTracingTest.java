package dev.keel.batch.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ChunkState;
import dev.keel.batch.ledger.RunClaim;
import dev.keel.batch.ledger.RunClaims;
import dev.keel.batch.ledger.RunSpans;
import dev.keel.batch.ledger.WorkerIdentity;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.time.Sleeper;
import dev.keel.core.trace.KeelTracing;
import dev.keel.wire.testing.FakeClock;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole span trees of a batch run across a crash and a resume, on one SQLite ledger and the emulator
 * over real sockets: process 1 uploads and creates chunk 1, uploads chunk 2, fails its create and
 * dies; process 2 takes the run over, creates chunk 2 (reconciling), polls and collects both. Each
 * process has its own run span, linked by the ledger's record of the earlier one and by {@code
 * keel.batch.run_id}; every upstream call span nests under a chunk-step span.
 */
class BatchTracingTest {

    private static final Duration LEASE = Duration.ofMinutes(2);
    private static final WorkerIdentity FIRST = new WorkerIdentity("host-a", 100, "aaaa");
    private static final WorkerIdentity SECOND = new WorkerIdentity("host-a", 200, "bbbb");

    @TempDir
    Path dir;

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final FakeClock time = new FakeClock(Instant.parse("2026-12-03T06:00:00Z"));
    private final Clock clock = time.withZone(ZoneOffset.UTC);
    private final Sleeper advancing = d -> time.advance(d);
    private OpenTelemetrySdk otel;
    private BatchFixture f;
    private KeelClient traced;
    /** Process 1 is gone from this host once it "crashed"; process 2 is alive. */
    private RunClaims claims;

    @BeforeEach
    void start() {
        otel = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder()
                        .addSpanProcessor(SimpleSpanProcessor.create(spans))
                        .build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        f = BatchFixture.sqlite(dir);
        var config = KeelClientConfig.builder("sk-test-batch", f.emulator.baseUrl())
                .trafficClass(TrafficClass.BATCH)
                .build();
        traced = KeelClient.builder(config)
                .listener(KeelTracing.listener(otel, config.baseUrl()))
                .build();
        claims = new RunClaims(f.ledger, pid -> pid != FIRST.pid());
    }

    @AfterEach
    void stop() {
        traced.close();
        f.close();
        otel.close();
    }

    private BatchRunner process(WorkerIdentity me) {
        return new BatchRunner(
                        f.ledger,
                        traced,
                        f.prices,
                        ReplayPolicy.ofDefaults(),
                        BatchFixture.fast().withWorker(me.id(), LEASE),
                        clock,
                        advancing,
                        ProgressListener.NONE)
                .openTelemetry(otel);
    }

    @Test
    void aRunCrashedAfterUploadAndCreate_andResumed_isTwoLinkedTreesWithEveryCallUnderItsChunkStep() throws Exception {
        PlanResult p = f.plan(f.input("in.jsonl", 8), PlanConfig.ofDefaults().withMaxItems(4));
        String run = p.runId();
        assertThat(f.ledger.chunks(run)).hasSize(2);
        f.script("POST /v1/batches", "ok", "status:503");

        // Process 1: chunk 1 uploaded and created; chunk 2 uploaded, its create answered 503; then it dies.
        assertThat(claims.claim(run, FIRST, "run", time.millis(), LEASE.toMillis()))
                .isInstanceOf(RunClaim.Claimed.class);
        BatchRunner first = process(FIRST);
        assertThat(first.step(run)).isTrue();
        assertThat(first.step(run)).isTrue();
        assertThat(f.ledger.chunk(run, 1).orElseThrow().state()).isEqualTo(ChunkState.SUBMITTED);
        assertThat(f.ledger.chunk(run, 2).orElseThrow().state()).isEqualTo(ChunkState.CREATING);
        List<SpanData> firstSpans = List.copyOf(spans.getFinishedSpanItems());
        List<RunSpans.Span> recorded = new RunSpans(f.ledger).newest(run, 10);
        assertThat(recorded).hasSize(1);
        RunSpans.Span firstRun = recorded.get(0);
        assertThat(firstRun.owner()).isEqualTo(FIRST.id());

        // Process 1's tree: its run span never ended (it crashed), its four steps did, each with its call.
        assertThat(named(firstSpans, "batch run"))
                .as("a crashed process exports no run span")
                .isEmpty();
        List<SpanData> firstSteps = steps(firstSpans);
        assertThat(firstSteps.stream().map(BatchTracingTest::stepOf))
                .containsExactly("1 upload", "1 create", "2 upload", "2 create");
        assertThat(firstSteps).allSatisfy(s -> {
            assertThat(s.getTraceId()).isEqualTo(firstRun.traceId());
            assertThat(s.getParentSpanId()).isEqualTo(firstRun.spanId());
            assertThat(attr(s, "keel.batch.run_id")).isEqualTo(run);
            assertThat(s.getAttributes().get(AttributeKey.booleanKey("keel.batch.reconcile")))
                    .isFalse();
        });
        assertThat(callsUnder(firstSpans, firstSteps.get(0))).containsExactly("POST /files");
        assertThat(callsUnder(firstSpans, firstSteps.get(1))).containsExactly("POST /batches");
        assertThat(attr(firstSteps.get(1), "keel.batch.step.outcome")).isEqualTo("created");
        assertThat(attr(firstSteps.get(1), "keel.batch.batch_id"))
                .isEqualTo(f.ledger.chunk(run, 1).orElseThrow().batchId());
        SpanData failedCreate = firstSteps.get(3);
        assertThat(callsUnder(firstSpans, failedCreate)).containsExactly("POST /batches");
        assertThat(failedCreate.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(attr(failedCreate, "error.type")).isEqualTo("server_error");

        // Process 2 takes the dead one's run over and drives it to the end.
        spans.reset();
        assertThat(claims.claim(run, SECOND, "run", time.millis(), LEASE.toMillis()))
                .isInstanceOf(RunClaim.TookOver.class);
        RunOutcome outcome = process(SECOND).drive(run);
        assertThat(outcome).isEqualTo(new RunOutcome.Finished(run, 8, 0, false));
        List<SpanData> second = spans.getFinishedSpanItems();

        List<SpanData> runs = named(second, "batch run");
        assertThat(runs).hasSize(1);
        SpanData resumed = runs.get(0);
        assertThat(resumed.getTraceId()).as("a new trace").isNotEqualTo(firstRun.traceId());
        assertThat(resumed.getParentSpanContext().isValid()).isFalse();
        assertThat(attr(resumed, "keel.batch.run_id")).isEqualTo(run);
        assertThat(attr(resumed, "keel.batch.worker")).isEqualTo(SECOND.id());
        assertThat(resumed.getAttributes().get(AttributeKey.booleanKey("keel.batch.resumed")))
                .isTrue();
        assertThat(attr(resumed, "keel.batch.run.outcome")).isEqualTo("finished");
        assertThat(resumed.getAttributes().get(AttributeKey.longKey("keel.batch.succeeded")))
                .isEqualTo(8);
        assertThat(resumed.getLinks()).hasSize(1);
        LinkData link = resumed.getLinks().get(0);
        assertThat(link.getSpanContext().getTraceId()).isEqualTo(firstRun.traceId());
        assertThat(link.getSpanContext().getSpanId()).isEqualTo(firstRun.spanId());
        assertThat(link.getAttributes().get(AttributeKey.stringKey("keel.batch.link")))
                .isEqualTo("previous_run_span");
        assertThat(link.getAttributes().get(AttributeKey.stringKey("keel.batch.worker")))
                .isEqualTo(FIRST.id());
        assertThat(new RunSpans(f.ledger).newest(run, 10))
                .extracting(RunSpans.Span::spanId)
                .containsExactly(resumed.getSpanContext().getSpanId(), firstRun.spanId());

        List<SpanData> secondSteps = steps(second);
        assertThat(secondSteps).allSatisfy(s -> {
            assertThat(s.getParentSpanId()).isEqualTo(resumed.getSpanId());
            assertThat(s.getTraceId()).isEqualTo(resumed.getTraceId());
            assertThat(attr(s, "keel.batch.run_id")).isEqualTo(run);
        });
        for (int chunk = 1; chunk <= 2; chunk++) {
            List<String> order = stepsOf(secondSteps, chunk);
            // chunk 2's create is reconciled, then made; then each chunk is polled until it ended, and collected once
            List<String> expectedHead = chunk == 1 ? List.of() : List.of("create");
            assertThat(order.subList(0, expectedHead.size())).isEqualTo(expectedHead);
            List<String> rest = order.subList(expectedHead.size(), order.size());
            assertThat(rest.getLast()).isEqualTo("collect");
            assertThat(rest.subList(0, rest.size() - 1)).isNotEmpty().containsOnly("poll");
        }
        SpanData reconciled = secondSteps.stream()
                .filter(s -> stepOf(s).equals("2 create"))
                .findFirst()
                .orElseThrow();
        assertThat(reconciled.getAttributes().get(AttributeKey.booleanKey("keel.batch.reconcile")))
                .isTrue();
        assertThat(attr(reconciled, "keel.batch.step.outcome")).isEqualTo("created");
        assertThat(callsUnder(second, reconciled)).containsExactly("GET /batches", "POST /batches");
        for (SpanData s : secondSteps) {
            String batch = f.ledger.chunk(run, chunkOf(s)).orElseThrow().batchId();
            switch (attr(s, "keel.batch.step")) {
                case "poll" -> {
                    assertThat(callsUnder(second, s)).containsExactly("GET /batches/" + batch);
                    assertThat(attr(s, "keel.batch.batch_id")).isEqualTo(batch);
                }
                case "collect" -> {
                    assertThat(callsUnder(second, s)).isNotEmpty().allMatch(n -> n.matches("GET /files/[^/]+/content"));
                    assertThat(attr(s, "keel.batch.step.outcome")).isEqualTo("collected");
                    assertThat(s.getAttributes().get(AttributeKey.longKey("keel.batch.succeeded")))
                            .isEqualTo(4);
                }
                default -> {}
            }
        }

        // Nothing upstream happened outside a chunk step, in either process.
        for (List<SpanData> all : List.of(firstSpans, second)) {
            Set<String> stepIds = steps(all).stream().map(SpanData::getSpanId).collect(Collectors.toSet());
            assertThat(calls(all))
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(stepIds).contains(c.getParentSpanId()));
        }
    }

    private static List<SpanData> named(List<SpanData> all, String name) {
        return all.stream().filter(s -> s.getName().equals(name)).toList();
    }

    /** The chunk-step spans, in start order. */
    private static List<SpanData> steps(List<SpanData> all) {
        return all.stream()
                .filter(s -> s.getAttributes().get(AttributeKey.stringKey("keel.batch.step")) != null)
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                .toList();
    }

    private static List<String> stepsOf(List<SpanData> steps, int chunk) {
        return steps.stream()
                .filter(s -> chunkOf(s) == chunk)
                .map(s -> attr(s, "keel.batch.step"))
                .toList();
    }

    private static int chunkOf(SpanData s) {
        return s.getAttributes().get(AttributeKey.longKey("keel.batch.chunk")).intValue();
    }

    private static String stepOf(SpanData s) {
        return chunkOf(s) + " " + attr(s, "keel.batch.step");
    }

    /** keel's call spans (CLIENT, named {@code METHOD /path}); attempt spans are named by the method alone. */
    private static List<SpanData> calls(List<SpanData> all) {
        return all.stream()
                .filter(s -> s.getKind() == SpanKind.CLIENT && s.getName().contains(" /"))
                .toList();
    }

    /** The names of the call spans whose parent is {@code step}, in start order. */
    private static List<String> callsUnder(List<SpanData> all, SpanData step) {
        return calls(all).stream()
                .filter(c -> c.getParentSpanId().equals(step.getSpanId()))
                .sorted(java.util.Comparator.comparingLong(SpanData::getStartEpochNanos))
                .map(SpanData::getName)
                .toList();
    }

    private static String attr(SpanData s, String key) {
        return s.getAttributes().get(AttributeKey.stringKey(key));
    }
}
