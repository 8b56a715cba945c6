package dev.keel.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How a benchmark runs: the warmup and the measured period of every run, and the concurrency
 * levels, parsed from {@code [--seconds N] [--warmup N] [--concurrency N,N...]}. Immutable, so
 * thread-safe.
 */
record Settings(Duration warmup, Duration measure, List<Integer> concurrency) {

    private static final long MAX_SECONDS = 3600;
    private static final int MAX_CONCURRENCY = 1024;
    private static final long DEFAULT_WARMUP = 5;
    private static final long DEFAULT_MEASURE = 10;

    Settings {
        concurrency = List.copyOf(concurrency);
    }

    /** Parses the options; defaults 10 s measured after 5 s of warmup, at concurrency 1 then 64. */
    static Settings parse(List<String> args) {
        return parse(args, DEFAULT_WARMUP, DEFAULT_MEASURE);
    }

    /** Parses the options with a benchmark's own default warmup and measured seconds. */
    static Settings parse(List<String> args, long defaultWarmup, long defaultMeasure) {
        var values = new HashMap<String, String>(Map.of(
                "--warmup",
                Long.toString(defaultWarmup),
                "--seconds",
                Long.toString(defaultMeasure),
                "--concurrency",
                "1,64"));
        for (int i = 0; i < args.size(); i += 2) {
            String name = args.get(i);
            if (!values.containsKey(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'");
            }
            values.put(name, i + 1 < args.size() ? args.get(i + 1) : null);
        }
        long measure = seconds("--seconds", values.get("--seconds"));
        if (measure < 1) {
            throw new IllegalArgumentException("--seconds must be at least 1");
        }
        return new Settings(
                Duration.ofSeconds(seconds("--warmup", values.get("--warmup"))),
                Duration.ofSeconds(measure),
                levels(values.get("--concurrency")));
    }

    /** Prints the option lines of a benchmark's usage. */
    static void describe(PrintStream out) {
        describe(out, DEFAULT_WARMUP, DEFAULT_MEASURE);
    }

    /** Prints the option lines with a benchmark's own defaults. */
    static void describe(PrintStream out, long defaultWarmup, long defaultMeasure) {
        out.println("  --seconds N          seconds measured per run (default " + defaultMeasure + ")");
        out.println(
                "  --warmup N           seconds of warmup before each run (default " + defaultWarmup + "; 0 skips it)");
        out.println("  --concurrency N,...  worker counts, one run per level, in order (default 1,64; each 1.."
                + MAX_CONCURRENCY + ")");
    }

    private static long seconds(String name, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > MAX_SECONDS) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number of seconds, at most " + MAX_SECONDS);
        }
    }

    private static List<Integer> levels(String value) {
        var levels = new ArrayList<Integer>();
        try {
            for (String level : String.valueOf(value).split(",", -1)) {
                int n = Integer.parseInt(level.strip());
                if (n < 1 || n > MAX_CONCURRENCY) {
                    throw new NumberFormatException();
                }
                levels.add(n);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--concurrency needs a comma-separated list of worker counts, each 1.."
                    + MAX_CONCURRENCY + ", e.g. 1,64");
        }
        return levels;
    }
}
