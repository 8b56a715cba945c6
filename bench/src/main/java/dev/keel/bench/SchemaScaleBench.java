package dev.keel.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.schema.SchemaDiff;
import dev.keel.structured.schema.SchemaLint;
import dev.keel.structured.schema.SchemaValidator;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code keel schema lint} and {@code diff} on generated strict schemas of 500, 5,000 and 20,000
 * properties (the last with a 50-value enum on each), side by side in one run: wall time and bytes
 * allocated by the measuring thread, cold (first call) and warm (best of the next rounds). The
 * pre-change code is not in the build, so the figures are absolute; docs/benchmarks.md keeps the
 * earlier measurements next to them.
 */
final class SchemaScaleBench {

    static final String SUMMARY = "schema lint and diff at 500 / 5,000 / 20,000x50-enum properties: time, allocation";

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SchemaScaleBench() {}

    private record Size(String label, int properties, int enumValues) {}

    static int run(List<String> args) {
        if (args.contains("--help") || args.contains("-h")) {
            System.out.println("usage: bin/keel bench schema-scale [--rounds N]   (default 3 warm rounds)");
            return 0;
        }
        int rounds = args.contains("--rounds") ? Integer.parseInt(args.get(args.indexOf("--rounds") + 1)) : 3;
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.printf(
                Locale.ROOT,
                "# schema-scale: JDK %s, %d CPUs, max heap %d MB, %d warm rounds%n",
                Runtime.version(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                rounds);
        System.out.println("| schema | op | result | cold ms | cold MB alloc | warm ms | warm MB alloc |");
        System.out.println("|---|---|---|---:|---:|---:|---:|");
        for (Size size : List.of(
                new Size("500", 500, 0), new Size("5,000", 5_000, 0), new Size("20,000 x 50 enum", 20_000, 50))) {
            ObjectNode old = wide(size.properties(), size.enumValues());
            ObjectNode now = changed(old, size.enumValues() > 0);
            measure(threads, size.label(), "lint", rounds, () -> {
                var r = SchemaLint.report(old);
                return r.findings().size() + " finding(s)" + (r.beyondLimits() ? ", beyond limits" : "");
            });
            measure(threads, size.label(), "diff", rounds, () -> {
                var r = SchemaDiff.report(old, now, new SchemaValidator());
                return r.changes().size() + " change(s), " + r.notes().size() + " note(s)";
            });
        }
        ObjectNode shared = sharedRefs(9, 12);
        measure(threads, "9 levels of $defs, 12 refs each", "lint", rounds, () -> {
            var r = SchemaLint.report(shared);
            return r.findings().size() + " finding(s)";
        });
        return 0;
    }

    /**
     * A root whose property refers to {@code d0}; each {@code dK} has {@code fanOut} required
     * properties referring to {@code d(K+1)}: {@code fanOut^(levels-1)} paths through shared definitions.
     */
    private static ObjectNode sharedRefs(int levels, int fanOut) {
        ObjectNode root = wide(1, 0);
        ((ObjectNode) root.get("properties")).putObject("d").put("$ref", "#/$defs/d0");
        ((ArrayNode) root.get("required")).add("d");
        ObjectNode defs = root.putObject("$defs");
        for (int k = 0; k < levels; k++) {
            ObjectNode d = defs.putObject("d" + k);
            d.put("type", "object");
            d.put("additionalProperties", false);
            ObjectNode props = d.putObject("properties");
            ArrayNode req = d.putArray("required");
            if (k == levels - 1) {
                props.putObject("leaf").put("type", "string");
                req.add("leaf");
            }
            for (int i = 0; k < levels - 1 && i < fanOut; i++) {
                props.putObject("f" + i).put("$ref", "#/$defs/d" + (k + 1));
                req.add("f" + i);
            }
        }
        return root;
    }

    private static void measure(
            com.sun.management.ThreadMXBean threads, String size, String op, int rounds, Supplier<String> work) {
        long a0 = threads.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        String result = work.get();
        long coldNs = System.nanoTime() - t0;
        long coldBytes = threads.getCurrentThreadAllocatedBytes() - a0;
        long warmNs = Long.MAX_VALUE;
        long warmBytes = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long a = threads.getCurrentThreadAllocatedBytes();
            long t = System.nanoTime();
            work.get();
            warmNs = Math.min(warmNs, System.nanoTime() - t);
            warmBytes = Math.min(warmBytes, threads.getCurrentThreadAllocatedBytes() - a);
        }
        System.out.printf(
                Locale.ROOT,
                "| %s | %s | %s | %.0f | %.0f | %.0f | %.0f |%n",
                size,
                op,
                result,
                coldNs / 1e6,
                coldBytes / 1048576.0,
                warmNs / 1e6,
                warmBytes / 1048576.0);
    }

    /** A strict root with schema_version and {@code n - 1} required properties (string, or an enum of {@code e} values). */
    private static ObjectNode wide(int n, int e) {
        ObjectNode root = F.objectNode();
        root.put("type", "object");
        ObjectNode props = root.putObject("properties");
        ArrayNode required = root.putArray("required");
        ObjectNode v = props.putObject("schema_version");
        v.put("type", "string");
        v.putArray("enum").add("v1");
        required.add("schema_version");
        for (int i = 0; i < n - 1; i++) {
            ObjectNode p = props.putObject("p" + i);
            p.put("type", "string");
            if (e > 0) {
                ArrayNode values = p.putArray("enum");
                for (int k = 0; k < e; k++) {
                    values.add("v" + k);
                }
            }
            required.add("p" + i);
        }
        root.put("additionalProperties", false);
        return root;
    }

    /** Every tenth property nullable, or with enums every enum without its last value. */
    private static ObjectNode changed(ObjectNode old, boolean enums) {
        ObjectNode now = old.deepCopy();
        ObjectNode props = (ObjectNode) now.get("properties");
        for (int i = 0; props.has("p" + i); i++) {
            ObjectNode p = (ObjectNode) props.get("p" + i);
            if (enums) {
                ArrayNode values = (ArrayNode) p.get("enum");
                values.remove(values.size() - 1);
            } else if (i % 10 == 0) {
                p.putArray("type").add("string").add("null");
            }
        }
        return now;
    }
}
