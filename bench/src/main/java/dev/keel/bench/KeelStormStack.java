package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.PhaseTimings;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreaker;
import dev.keel.core.policy.RetryDecision;
import dev.keel.core.time.Sleeper;
import dev.keel.core.tools.ToolLoop;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * keel with its defaults: one shared {@link KeelClient} built from {@code
 * KeelClientConfig.builder(key, baseUrl).pool(h2c).build()}, one {@link ToolLoop} and one {@link
 * ExactlyOnceToolExecutor} on a {@link MemoryIdempotencyStore}; each workflow is {@code
 * loop.run(new Workflow("acme", "refund", "order-N"), ...)}, so a re-run replays the tool's stored
 * result instead of running it again. Counts come from an {@link EventListener} on the client:
 * {@code callStart} is a logical call, {@code attemptEnd} an upstream call. Thread-safe.
 */
final class KeelStormStack implements StormStack {

    private static final int MAX_STEPS = 4;
    private static final Duration IDEMPOTENCY_TTL = Duration.ofMinutes(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

    private final KeelClient client;
    private final ExactlyOnceToolExecutor executor;
    private final ToolLoop loop;
    private final RefundLedger ledger;
    private final Recorder recorder;
    private final JsonNode parameters = Json.parse(TOOL_PARAMETERS);

    private KeelStormStack(
            KeelClient client, ExactlyOnceToolExecutor executor, RefundLedger ledger, Recorder recorder) {
        this.client = client;
        this.executor = executor;
        this.loop = new ToolLoop(client, executor, new SimpleMeterRegistry(), MAX_STEPS);
        this.ledger = ledger;
        this.recorder = recorder;
    }

    /** Builds keel's client with its defaults for the emulator at {@code baseUrl}, its jitter seeded with {@code seed}. */
    static KeelStormStack open(URI baseUrl, StormTally tally, RefundLedger ledger, long seed) {
        var recorder = new Recorder(tally);
        var client = KeelClient.builder(KeelClientConfig.builder(API_KEY, baseUrl)
                        .pool(dev.keel.core.http.PoolConfig.ofDefaults().withH2c(true))
                        .build())
                .listener(recorder)
                .random(new java.util.SplittableRandom(seed))
                .build();
        var executor = new ExactlyOnceToolExecutor(
                new MemoryIdempotencyStore(InstantSource.system()),
                IDEMPOTENCY_TTL,
                StormSettings.BUDGET,
                POLL_INTERVAL,
                Sleeper.SYSTEM);
        return new KeelStormStack(client, executor, ledger, recorder);
    }

    @Override
    public String name() {
        return "keel";
    }

    @Override
    public void run(int index) throws Exception {
        var tool = new ToolLoop.Tool(TOOL, parameters, true, args -> ledger.refund(index));
        var request = Json.object().put("model", MODEL).put("input", StormStack.prompt(index));
        var workflow = new ToolLoop.Workflow("acme", "refund", RefundLedger.id(index));
        loop.run(workflow, request, List.of(tool), StormSettings.BUDGET);
    }

    /** The breaker's moves and the retry layer's decisions, times relative to the outage's start. */
    @Override
    public List<String> notes() {
        return notes(client, recorder, executor);
    }

    /** {@link #notes()} for any stack on a keel client fed by {@code recorder}; shared with {@link SdkOnKeelStormStack}. */
    static List<String> notes(KeelClient client, Recorder recorder, ExactlyOnceToolExecutor executor) {
        var notes = new ArrayList<String>();
        long start = recorder.tally.outageStart();
        Duration window = client.config().breaker().window();
        long next = (Math.floorDiv(start, window.toNanos()) + 1) * window.toNanos();
        notes.add(String.format(
                "breaker windows (%d s, on System.nanoTime) roll over at outage start %+.1f s, then every %d s",
                window.toSeconds(), (next - start) / 1e9, window.toSeconds()));
        recorder.moves.forEach(m ->
                notes.add(String.format("breaker %s at outage start %+.1f s", m.move(), (m.nanos() - start) / 1e9)));
        notes.add("retry decisions after failed attempts: " + sums(recorder.decisions));
        notes.add("tool calls answered from the idempotency store instead of running again: " + executor.suppressed());
        return notes;
    }

    @Override
    public void close() {
        client.close();
    }

    private static Map<String, Long> sums(Map<String, LongAdder> adders) {
        var sums = new TreeMap<String, Long>();
        adders.forEach((k, v) -> sums.put(k, v.sum()));
        return sums;
    }

    /** A breaker move and when it happened. Immutable. */
    private record Move(String move, long nanos) {}

    /** Feeds the tally from the client's events and keeps the breaker's moves; {@link SdkOnKeelStormStack} shares it. Thread-safe. */
    static final class Recorder implements EventListener {
        private final StormTally tally;
        private final List<Move> moves = new CopyOnWriteArrayList<>();
        private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();

        Recorder(StormTally tally) {
            this.tally = tally;
        }

        @Override
        public void callStart(CallContext call) {
            tally.logicalCall();
        }

        @Override
        public void callEnd(CallContext call, HttpResult result, Duration elapsed) {
            tally.modelCallSucceeded();
        }

        @Override
        public void callFailed(CallContext call, KeelException error, Duration elapsed) {
            tally.modelCallFailed();
        }

        @Override
        public void attemptEnd(CallContext call, int status, KeelException error, PhaseTimings timings, String p) {
            if (status > 0 || timings != null) {
                tally.upstreamAnswered(status);
            }
        }

        @Override
        public void retryDecided(CallContext call, KeelException failure, RetryDecision decision) {
            String key = switch (decision) {
                case RetryDecision.Retry r -> "retry after " + failure.kind();
                case RetryDecision.GiveUp g -> "give up (" + g.reason() + ") after " + failure.kind();
            };
            decisions.computeIfAbsent(key, k -> new LongAdder()).increment();
        }

        @Override
        public void breakerStateChanged(String breaker, CircuitBreaker.State from, CircuitBreaker.State to) {
            moves.add(new Move(from + "->" + to, System.nanoTime()));
        }
    }
}
