package dev.keel.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Benchmark {@code storm}: whether a client stack turns an upstream outage into a retry storm, and
 * whether its tool side effects survive retries and re-runs exactly once; keel with its defaults,
 * the official OpenAI Java SDK with its default retries, the same SDK on keel ({@code
 * KeelOpenAI.client}), and a naive gateway-times-service retry stack, side by side in one run.
 *
 * <p>Each stack runs the same {@link StormScenario} on its own fresh in-process emulator, one after
 * the other, so their counts never mix; {@link StormReport} prints them side by side. Not
 * thread-safe: {@link Main} runs it once.
 */
final class RetryStorm {

    static final String SUMMARY =
            "outage -> retry storm? keel vs openai-java alone vs openai-java on keel vs naive retries, tool workflows";

    /** A stack under test: its name and how to open it. Immutable. */
    private record Contender(String name, StormScenario.StackFactory factory) {}

    /** The stacks, keel's jitter seeded from the settings. */
    private static List<Contender> contenders(StormSettings settings) {
        return List.of(
                new Contender("keel", (url, tally, ledger) -> KeelStormStack.open(url, tally, ledger, settings.seed())),
                new Contender("openai-java", SdkStormStack::open),
                new Contender(
                        "sdk-on-keel",
                        (url, tally, ledger) -> SdkOnKeelStormStack.open(url, tally, ledger, settings.seed())),
                new Contender("naive", NaiveStormStack::open));
    }

    private RetryStorm() {}

    /** Runs the benchmark with the given options; returns the exit code (see {@link Main}). */
    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            usage(System.out);
            return 0;
        }
        StormSettings settings;
        try {
            settings = StormSettings.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("keel-bench storm: " + e.getMessage());
            usage(System.err);
            return 2;
        }
        return runWith(settings);
    }

    private static int runWith(StormSettings settings) {
        try {
            StormReport.header(System.out, settings);
            var results = new ArrayList<StormScenario.Result>();
            for (Contender contender : contenders(settings)) {
                System.err.printf("storm: %s: running (about %d s)%n", contender.name(), estimateSeconds(settings));
                results.add(StormScenario.run(settings, contender.factory()));
            }
            return StormReport.print(System.out, settings, results) ? 0 : 1;
        } catch (RuntimeException e) {
            System.err.println("keel-bench storm: could not run: " + e);
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("keel-bench storm: interrupted");
            return 130;
        }
    }

    /** Twice the outage for the paced starts, plus a little for the re-run. */
    private static long estimateSeconds(StormSettings settings) {
        return settings.outage().toSeconds() * 2 + 3;
    }

    private static void usage(PrintStream out) {
        out.println("Usage: keel bench storm [--workflows N] [--concurrency N] [--outage-seconds N] [--in-flight N]"
                + " [--rerun-delay-seconds N] [--seed N]");
        out.println("  " + SUMMARY + ".");
        out.println("  Each stack runs the same tool workflows through an outage (every POST /v1/responses answers"
                + " 503),");
        out.println("  on its own in-process emulator at 127.0.0.1, one stack after the other; failed workflows are"
                + " re-run once.");
        StormSettings.describe(out);
        out.println("  Exit codes: 0 keel and sdk-on-keel met their targets, 1 one of them missed one, 2 bad usage,"
                + " 3 could not run.");
    }
}
