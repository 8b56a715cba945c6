package dev.keel.bench;

import dev.keel.core.policy.CircuitBreakerConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Prints the {@code storm} benchmark: what ran and how it was counted, one column per stack, keel's
 * targets with a verdict, then why workflows failed and what keel's breaker and retry layer did.
 * Stateless, so thread-safe.
 */
final class StormReport {

    private static final double TARGET_RATIO = 1.2;
    /** The stacks held to the targets: keel, and the official SDK on keel. */
    private static final List<String> TARGETED = List.of("keel", "sdk-on-keel");

    private static final Duration OPEN_PERIOD =
            CircuitBreakerConfig.ofDefaults().openFor();

    /** One line of the table: its label ({@code W}: the workflow count) and its cell per stack. Immutable. */
    private record Row(String label, Function<StormScenario.Result, Object> cell) {}

    private static final List<Row> ROWS = List.of(
            new Row("logical model calls: lead-in", r -> r.counts().logical()[0]),
            new Row("logical model calls: outage", r -> r.counts().logical()[1]),
            new Row("logical model calls: after", r -> r.counts().logical()[2]),
            new Row("upstream calls: lead-in (2xx)", r -> r.counts().upstream()[0]),
            new Row("upstream calls: outage (503)", r -> r.counts().upstream()[1]),
            new Row("upstream calls: after (2xx)", r -> r.counts().upstream()[2]),
            new Row("upstream calls: other answers / no answer", r -> r.counts().upstreamOther()),
            new Row("upstream calls: emulator's own count", StormReport::emulatorCheck),
            new Row("upstream per logical call, outage", r -> ratio(r.counts().outageRatio())),
            new Row("workflows failed in the first pass", r -> r.firstPass().count()),
            new Row(
                    "workflows failed for good (after the re-run)",
                    r -> r.rerun().count()),
            new Row("tool side effects, for W workflows", r -> r.effects().total()),
            new Row("workflows with 0 / 1 / >1 side effects", StormReport::histogram),
            new Row("model calls failed after the outage ended", r -> r.counts().failedAfter()),
            new Row(
                    "recovery: outage end -> first model success",
                    r -> seconds(r.counts().recovery())),
            new Row(
                    "steady: outage end -> first success after last fail",
                    r -> seconds(r.counts().steadyRecovery())),
            new Row("elapsed", r -> seconds(r.elapsed())));

    private StormReport() {}

    /** Prints what runs and how it is counted. */
    static void header(PrintStream out, StormSettings s) {
        int during = s.workflows() / 2;
        out.printf(
                "keel-bench storm: %d tool workflows, %d at once, through a %d s outage"
                        + " (every POST /v1/responses answers 503)%n",
                s.workflows(), s.concurrency(), s.outage().toSeconds());
        out.printf(
                "java %s, %d cpus; each stack on its own fresh in-process emulator at 127.0.0.1, one after the other%n",
                Runtime.version(), Runtime.getRuntime().availableProcessors());
        out.printf(
                "scenario: %d workflows start healthy and have run their tool when the outage begins; then one start"
                        + " every %d ms from the outage's start (%d during it, %d after); budget %d s each; once the"
                        + " first pass is over, %d s after the outage ends, every failed workflow is re-run once, same"
                        + " business id%n",
                s.inFlight(),
                s.spacing().toMillis(),
                during - s.inFlight(),
                s.workflows() - during,
                StormSettings.BUDGET.toSeconds(),
                s.rerunDelay().toSeconds());
        out.printf("seed of keel's backoff jitter: %d (repeat with --seed %d)%n", s.seed(), s.seed());
        out.println("workflow: model call with tool issue_refund -> the tool (a counter per workflow: the side"
                + " effect) -> model call with the function_call_output -> final text");
        out.println("counting: logical call = one model call a workflow try asks its stack for (by start time:"
                + " lead-in / outage / after); upstream call = one HTTP request, counted by the stack's lowest"
                + " layer (keel EventListener.attemptEnd, SDK OkHttp interceptor, naive's own loop) and"
                + " phased by its answer (503 = outage); cross-checked with the emulator's own count");
        printStacks(out);
    }

    private static void printStacks(PrintStream out) {
        out.println("  keel         KeelClient defaults (3 attempts, full jitter 200 ms..2 s, retry budget max(10 % of"
                + " calls, 1/s) over 10 s, breaker: two 30 s windows >= 50 calls and >= 25 % failures, open 20 s,"
                + " 1 probe) + ToolLoop + ExactlyOnceToolExecutor on a MemoryIdempotencyStore");
        out.printf(
                "  openai-java  SDK %s, default maxRetries 2 (3 attempts, SDK backoff), typed function_call /"
                        + " function_call_output input items; the tool has no idempotency%n",
                com.openai.client.OpenAIClient.class.getPackage().getImplementationVersion());
        out.println(
                "  sdk-on-keel  the same SDK workflow on KeelOpenAI.client(keel): keel as above (SDK retries off),"
                        + " the workflow's remaining budget per call (X-Keel-Budget), the tool through ExactlyOnceToolExecutor");
        out.println("  naive        gateway: 3 tries of the whole workflow x service: 3 attempts per model call,"
                + " fixed 100 ms; java.net.http; no budget, no breaker, no idempotency");
    }

    /** Prints the table, the targets of keel and of the SDK on keel, failures and notes; true when both met every target. */
    static boolean print(PrintStream out, StormSettings s, List<StormScenario.Result> results) {
        out.println();
        printTable(out, s, results);
        out.println();
        boolean met = true;
        for (String stack : TARGETED) {
            var result = results.stream().filter(r -> r.stack().equals(stack)).findFirst();
            if (result.isPresent()) {
                met &= printTargets(out, s, result.get());
            }
        }
        out.println();
        printFailures(out, results);
        return met;
    }

    private static void printTable(PrintStream out, StormSettings s, List<StormScenario.Result> results) {
        out.printf("%-52s", "");
        results.forEach(r -> out.printf("%14s", r.stack()));
        out.println();
        for (Row row : ROWS) {
            out.printf("%-52s", row.label().replace("W", String.valueOf(s.workflows())));
            results.forEach(r -> out.printf("%14s", row.cell().apply(r)));
            out.println();
        }
    }

    /** The emulator's count, with a mark when it differs from the stack's own. */
    private static String emulatorCheck(StormScenario.Result r) {
        boolean same = r.emulatorCount() == r.counts().upstreamTotal();
        return r.emulatorCount() + (same ? " =" : " MISMATCH");
    }

    private static String histogram(StormScenario.Result r) {
        return r.effects().none() + " / " + r.effects().once() + " / "
                + r.effects().repeated();
    }

    private static String ratio(double ratio) {
        return Double.isNaN(ratio) ? "n/a" : String.format("%.2f", ratio);
    }

    private static String seconds(Duration d) {
        return d == null ? "none" : String.format("%.3f s", d.toNanos() / 1e9);
    }

    /** The three targets for a stack on keel, each with a verdict; true when all are met. */
    private static boolean printTargets(PrintStream out, StormSettings s, StormScenario.Result keel) {
        double ratio = keel.counts().outageRatio();
        boolean calm = !(ratio > TARGET_RATIO);
        RefundLedger.Histogram e = keel.effects();
        boolean once = e.once() == s.workflows() && e.total() == s.workflows();
        Duration recovery = keel.counts().recovery();
        Duration steady = keel.counts().steadyRecovery();
        boolean recovered = steady != null && steady.compareTo(OPEN_PERIOD) <= 0;
        out.println(keel.stack() + " targets:");
        out.printf(
                "  upstream calls per logical call during the outage <= %.1f: %s -> %s%n",
                TARGET_RATIO, ratio(ratio), verdict(calm));
        out.printf(
                "  every workflow's side effect exactly once: %d of %d once, %d total -> %s%n",
                e.once(), s.workflows(), e.total(), verdict(once));
        out.printf(
                "  recovery within one breaker open period (%d s): first success %s, nothing but successes"
                        + " from %s -> %s%n",
                OPEN_PERIOD.toSeconds(), seconds(recovery), seconds(steady), verdict(recovered));
        return calm && once && recovered;
    }

    private static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }

    private static void printFailures(PrintStream out, List<StormScenario.Result> results) {
        for (StormScenario.Result r : results) {
            r.firstPass().reasons().forEach((k, v) -> out.printf("%s first pass failed: %s %s%n", r.stack(), k, v));
            r.rerun().reasons().forEach((k, v) -> out.printf("%s re-run failed: %s %s%n", r.stack(), k, v));
            r.notes().forEach(note -> out.printf("%s: %s%n", r.stack(), note));
        }
    }
}
