package dev.keel.bench;

import dev.keel.core.error.KeelException;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One stack's run of the {@code storm} scenario against its own fresh in-process emulator: the
 * in-flight workflows start healthy and run their tool; the outage begins (every {@code POST
 * /v1/responses} answers 503) and lasts {@code outage}; the workflows start at a steady pace, half
 * during the outage and half after, at most {@code concurrency} at once; once the first pass is
 * done and {@code rerunDelay} has passed since the outage ended, every failed workflow is re-run
 * once, with the same business id. Not
 * thread-safe: one run per instance, driven from one thread.
 */
final class StormScenario {

    /** Large enough to keep every request of a run, so the emulator's count is exact. */
    static final int RECORD_CAPACITY = 1_000_000;

    private static final FaultPlan OUTAGE =
            new FaultPlan(0, List.of(FaultRule.parseFlag("POST /v1/responses=status:503")));

    /** Opens a stack that counts into a tally and runs its side effect through a ledger. Stateless. */
    @FunctionalInterface
    interface StackFactory {
        StormStack open(URI baseUrl, StormTally tally, RefundLedger ledger);
    }

    /**
     * What one stack did. Immutable, so thread-safe.
     *
     * @param emulatorCount {@code POST /v1/responses} requests the emulator received
     * @param firstPass the first pass's failed workflows and why they failed
     * @param rerun the re-run's failed workflows (failed for good) and why they failed
     */
    record Result(
            String stack,
            StormTally.Counts counts,
            long emulatorCount,
            RefundLedger.Histogram effects,
            Pass.Failures firstPass,
            Pass.Failures rerun,
            List<String> notes,
            Duration elapsed) {}

    private final StormSettings settings;
    private final Emulator emulator;
    private final StormTally tally = new StormTally();
    private final RefundLedger ledger;
    private final Semaphore permits;

    /** When the outage began ({@link System#nanoTime()}); set by the first pass. */
    private long outageStart;

    private StormScenario(StormSettings settings, Emulator emulator) {
        this.settings = settings;
        this.emulator = emulator;
        this.ledger = new RefundLedger(settings.inFlight());
        this.permits = new Semaphore(settings.concurrency());
    }

    /** Runs the scenario for the stack {@code factory} opens, on a fresh emulator; blocks until done. */
    static Result run(StormSettings settings, StackFactory factory) throws InterruptedException {
        try (var emulator = Emulator.start(
                EmulatorConfig.builder().recordCapacity(RECORD_CAPACITY).build())) {
            return new StormScenario(settings, emulator).drive(factory);
        }
    }

    private Result drive(StackFactory factory) throws InterruptedException {
        long begin = System.nanoTime();
        try (StormStack stack = factory.open(emulator.baseUrl(), tally, ledger)) {
            var first = new Pass();
            firstPass(stack, first);
            sleepUntil(outageStart
                    + settings.outage().toNanos()
                    + settings.rerunDelay().toNanos());
            var rerun = new Pass();
            runAll(stack, first.failed(), rerun);
            return new Result(
                    stack.name(),
                    tally.counts(),
                    emulator.requests("POST", "/v1/responses").size(),
                    ledger.histogram(settings.workflows()),
                    first.failures(),
                    rerun.failures(),
                    stack.notes(),
                    Duration.ofNanos(System.nanoTime() - begin));
        }
    }

    /** Starts the in-flight workflows, begins the outage, paces the rest; returns when all have ended. */
    private void firstPass(StormStack stack, Pass pass) throws InterruptedException {
        try (var workers = Executors.newVirtualThreadPerTaskExecutor();
                var timer = Executors.newSingleThreadScheduledExecutor()) {
            for (int i = 0; i < settings.inFlight(); i++) {
                start(workers, stack, i, pass);
            }
            if (!ledger.awaitInFlight()) {
                throw new IllegalStateException("the in-flight workflows did not reach their tool within a minute");
            }
            outageStart = beginOutage();
            ScheduledFuture<?> end =
                    timer.schedule(this::endOutage, settings.outage().toNanos(), TimeUnit.NANOSECONDS);
            long spacing = settings.spacing().toNanos();
            for (int i = settings.inFlight(); i < settings.workflows(); i++) {
                sleepUntil(outageStart + i * spacing);
                start(workers, stack, i, pass);
            }
            await(end);
        }
    }

    /** Runs {@code indexes} as fast as the concurrency allows, collecting the ones that fail. */
    private void runAll(StormStack stack, List<Integer> indexes, Pass pass) throws InterruptedException {
        try (var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int index : indexes) {
                start(workers, stack, index, pass);
            }
        }
    }

    private void start(ExecutorService workers, StormStack stack, int index, Pass pass) throws InterruptedException {
        permits.acquire();
        workers.execute(() -> {
            try {
                stack.run(index);
            } catch (Exception e) {
                pass.fail(index, e);
            } finally {
                permits.release();
            }
        });
    }

    private long beginOutage() {
        emulator.replaceFaults(OUTAGE);
        long now = System.nanoTime();
        tally.outageStarted(now);
        ledger.releaseInFlight();
        return now;
    }

    private void endOutage() {
        tally.outageEnded(System.nanoTime());
        emulator.replaceFaults(FaultPlan.NONE);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void await(ScheduledFuture<?> end) throws InterruptedException {
        try {
            end.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("ending the outage failed: " + e.getCause(), e.getCause());
        }
    }

    /** One pass over some workflows: which failed, and why. Thread-safe. */
    static final class Pass {

        /** How many workflows failed, and per reason how many with the first message. Immutable. */
        record Failures(int count, Map<String, String> reasons) {}

        private final Set<Integer> failed = new ConcurrentSkipListSet<>();
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
        private final Map<String, String> firstMessages = new ConcurrentHashMap<>();

        void fail(int index, Exception e) {
            failed.add(index);
            String reason = e instanceof KeelException k
                    ? k.kind().name()
                    : e.getClass().getSimpleName();
            counts.computeIfAbsent(reason, k -> new LongAdder()).increment();
            firstMessages.putIfAbsent(reason, String.valueOf(e.getMessage()));
        }

        List<Integer> failed() {
            return List.copyOf(failed);
        }

        /** Per reason: {@code "N, first: MESSAGE"}. */
        Failures failures() {
            var reasons = new TreeMap<String, String>();
            counts.forEach((k, v) -> reasons.put(k, v.sum() + ", first: " + firstMessages.get(k)));
            return new Failures(failed.size(), Collections.unmodifiableMap(reasons));
        }
    }
}
