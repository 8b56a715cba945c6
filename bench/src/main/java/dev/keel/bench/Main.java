package dev.keel.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

/**
 * Entry point of keel-bench: {@code Main NAME [OPTIONS]} runs the benchmark called NAME.
 *
 * <p>Exit codes: 0 ok; 1 the benchmark ran but saw errors; 2 bad usage; 3 the benchmark could not
 * run (e.g. its emulator did not start). Not thread-safe; meant to be called once, from {@code main}.
 */
public final class Main {

    /** A benchmark: its name on the command line, a one-line summary, and how to run it. */
    private record Benchmark(String name, String summary, Function<List<String>, Integer> runner) {}

    private static final List<Benchmark> BENCHMARKS = List.of(
            new Benchmark("emulator", EmulatorThroughput.SUMMARY, EmulatorThroughput::run),
            new Benchmark("client", ClientOverhead.SUMMARY, ClientOverhead::run),
            new Benchmark("storm", RetryStorm.SUMMARY, RetryStorm::run),
            new Benchmark("gateway", GatewayOverhead.SUMMARY, GatewayOverhead::run),
            new Benchmark("batch-plan", BatchPlanBench.SUMMARY, BatchPlanBench::run),
            new Benchmark("batch-e2e", BatchEndToEnd.SUMMARY, BatchEndToEnd::run),
            new Benchmark("realtime-interrupt", RealtimeInterruptBench.SUMMARY, RealtimeInterruptBench::run),
            new Benchmark("realtime-token", RealtimeTokenBench.SUMMARY, RealtimeTokenBench::run),
            new Benchmark("schema-scale", SchemaScaleBench.SUMMARY, SchemaScaleBench::run));

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the benchmark named by {@code args[0]} with the remaining arguments; returns the exit code. */
    static int run(String... args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            usage(System.out);
            return 0;
        }
        List<String> rest = List.of(args).subList(1, args.length);
        for (Benchmark benchmark : BENCHMARKS) {
            if (benchmark.name().equals(args[0])) {
                return benchmark.runner().apply(rest);
            }
        }
        System.err.println("keel-bench: unknown benchmark '" + args[0] + "'.");
        usage(System.err);
        return 2;
    }

    private static void usage(PrintStream out) {
        out.println("Usage: keel bench NAME [OPTIONS]   (NAME --help shows a benchmark's options)");
        out.println("Benchmarks:");
        for (Benchmark benchmark : BENCHMARKS) {
            out.printf("  %-18s %s%n", benchmark.name(), benchmark.summary());
        }
    }
}
