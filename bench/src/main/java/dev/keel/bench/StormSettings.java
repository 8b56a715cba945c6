package dev.keel.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How the {@code storm} benchmark runs: how many workflows, how many run at once, how long the
 * outage lasts, and how many workflows are caught between their two model calls when it begins;
 * parsed from {@code [--workflows N] [--concurrency N] [--outage-seconds N] [--in-flight N]}.
 * Immutable, so thread-safe.
 *
 * @param workflows workflows in the first pass, half started during the outage and half after
 * @param concurrency workflows running at once
 * @param outage how long every {@code POST /v1/responses} answers 503
 * @param inFlight workflows that start healthy and have run their tool when the outage begins
 * @param rerunDelay how long after the outage ends the failed workflows are re-run (default 25 s:
 *     past keel's 20 s breaker open period, as a job system re-drives failed work after a delay)
 * @param seed the seed of keel's backoff jitter (default: a random one, printed, so a run can be
 *     repeated with {@code --seed})
 */
record StormSettings(int workflows, int concurrency, Duration outage, int inFlight, Duration rerunDelay, long seed) {

    /** Every workflow's business budget, as keel's default business timeout. */
    static final Duration BUDGET = Duration.ofSeconds(30);

    private static final int MAX_WORKFLOWS = 100_000;
    private static final int MAX_CONCURRENCY = 1024;
    private static final int MAX_OUTAGE_SECONDS = 600;
    private static final int DEFAULT_IN_FLIGHT = 10;
    private static final List<String> OPTIONS = List.of(
            "--workflows", "--concurrency", "--outage-seconds", "--in-flight", "--rerun-delay-seconds", "--seed");

    /** Parses the options; defaults 200 workflows, 20 at once, a 10 s outage, 10 caught in flight. */
    static StormSettings parse(List<String> args) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!OPTIONS.contains(args.get(i))) {
                throw new IllegalArgumentException("unknown option '" + args.get(i) + "'");
            }
            values.put(args.get(i), i + 1 < args.size() ? args.get(i + 1) : null);
        }
        int workflows = number(values, "--workflows", "200", 2, MAX_WORKFLOWS);
        int concurrency = number(values, "--concurrency", "20", 1, MAX_CONCURRENCY);
        int outage = number(values, "--outage-seconds", "10", 1, MAX_OUTAGE_SECONDS);
        int maxInFlight = Math.min(concurrency, workflows / 2);
        String inFlightDefault = String.valueOf(Math.min(DEFAULT_IN_FLIGHT, maxInFlight));
        int inFlight = number(values, "--in-flight", inFlightDefault, 0, maxInFlight);
        int rerunDelay = number(values, "--rerun-delay-seconds", "25", 0, 600);
        long seed = seed(values.get("--seed"));
        return new StormSettings(
                workflows, concurrency, Duration.ofSeconds(outage), inFlight, Duration.ofSeconds(rerunDelay), seed);
    }

    private static long seed(String value) {
        if (value == null) {
            return new java.util.SplittableRandom().nextLong(1, 1_000_000);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed needs a whole number");
        }
    }

    /** Prints the option lines of the benchmark's usage. */
    static void describe(PrintStream out) {
        out.println("  --workflows N       workflows in the first pass, 2.." + MAX_WORKFLOWS
                + " (default 200): half start during the outage, half after");
        out.println("  --concurrency N     workflows running at once, 1.." + MAX_CONCURRENCY + " (default 20)");
        out.println("  --outage-seconds N  how long every POST /v1/responses answers 503, 1.." + MAX_OUTAGE_SECONDS
                + " (default 10)");
        out.println("  --in-flight N       workflows that start healthy and have run their tool when the outage"
                + " begins,");
        out.println("                      0..min(concurrency, workflows/2) (default " + DEFAULT_IN_FLIGHT
                + "; 0: the outage is on from the very first call)");
        out.println("  --rerun-delay-seconds N  re-run the failed workflows N s after the outage ends, 0..600"
                + " (default 25: past keel's 20 s breaker open period)");
        out.println("  --seed N            seed of keel's backoff jitter (default: random, printed in the header)");
    }

    /** The pause between two workflow starts: the workflows spread evenly over twice the outage. */
    Duration spacing() {
        return outage.multipliedBy(2).dividedBy(workflows);
    }

    private static int number(Map<String, String> values, String name, String fallback, int min, int max) {
        String value = values.getOrDefault(name, fallback);
        try {
            int n = Integer.parseInt(String.valueOf(value));
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number from " + min + " to " + max);
        }
    }
}
