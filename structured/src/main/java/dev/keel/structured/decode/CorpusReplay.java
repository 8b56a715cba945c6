package dev.keel.structured.decode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Replays a bad-case corpus: a folder of model outputs with a {@code corpus.yaml} that names the
 * schema, the version the requests asked for, the compat defaults, and the mode (and reason) each
 * sample must decode to. A sample is the model's raw text ({@code *.txt}) or a whole Responses API
 * body ({@code *.response.json}, for refusals and incomplete answers). Stateless.
 *
 * <pre>
 * schema: ticket
 * schemas: ../schemas
 * version: v2
 * defaults: {priority: medium}
 * expect:
 *   invalid-json.txt: summary invalid_json
 *   missing-priority.txt: compat schema_violation
 * </pre>
 */
public final class CorpusReplay {

    /** The manifest's file name. */
    public static final String MANIFEST = "corpus.yaml";

    /** What a sample must decode to; a null reason accepts any. */
    public record Expectation(DecodeMode mode, String reason) {
        @Override
        public String toString() {
            return mode.token() + (reason == null ? "" : " " + reason);
        }
    }

    /** A loaded corpus. */
    public record Corpus(
            Path dir,
            String schema,
            Path schemas,
            String version,
            Map<String, JsonNode> defaults,
            Map<String, Expectation> expect,
            List<Path> samples) {}

    /** One sample's outcome; {@code expected} is null for a sample the manifest does not list. */
    public record Row(String sample, Expectation expected, DecodeMode mode, String reason) {
        public boolean matches() {
            return expected == null
                    || (expected.mode() == mode
                            && (expected.reason() == null || expected.reason().equals(reason)));
        }
    }

    /** All rows, with the mode distribution and the mismatches. */
    public record Report(List<Row> rows) {
        public Map<DecodeMode, Integer> distribution() {
            Map<DecodeMode, Integer> d = new EnumMap<>(DecodeMode.class);
            for (DecodeMode m : DecodeMode.values()) {
                d.put(m, 0);
            }
            rows.forEach(r -> d.merge(r.mode(), 1, Integer::sum));
            return d;
        }

        public List<Row> mismatches() {
            return rows.stream().filter(r -> !r.matches()).toList();
        }

        public List<Row> unlisted() {
            return rows.stream().filter(r -> r.expected() == null).toList();
        }
    }

    private CorpusReplay() {}

    /**
     * Reads {@code dir/corpus.yaml} and lists the samples.
     *
     * @throws IllegalArgumentException when the manifest is missing or wrong, or lists a sample that
     *     does not exist; the message names the file and the key
     */
    public static Corpus load(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            throw new IllegalArgumentException(dir + ": no " + MANIFEST + "; a corpus folder needs one naming schema,"
                    + " schemas, version and the expected mode of each sample");
        }
        JsonNode m;
        String text = dev.keel.wire.io.TextFiles.read(manifest, "corpus manifest");
        YAMLMapper yaml = new YAMLMapper();
        try {
            m = yaml.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    manifest + ": cannot read: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        checkShape(manifest, m, dev.keel.wire.io.KeyLines.of(manifest.toString(), yaml.getFactory(), text));
        String schema = required(manifest, m, "schema");
        Path schemas = dir.resolve(m.path("schemas").asText("../schemas")).normalize();
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        m.path("defaults").properties().forEach(e -> defaults.put(e.getKey(), e.getValue()));
        Map<String, Expectation> expect = new LinkedHashMap<>();
        m.path("expect")
                .properties()
                .forEach(e -> expect.put(
                        e.getKey(),
                        expectation(manifest, e.getKey(), e.getValue().asText())));
        List<Path> samples = samples(dir);
        for (String name : expect.keySet()) {
            if (!Files.isRegularFile(dir.resolve(name))) {
                throw new IllegalArgumentException(
                        manifest + ": expect." + name + " names a sample that does not exist");
            }
        }
        return new Corpus(dir, schema, schemas, m.path("version").asText(null), defaults, expect, samples);
    }

    private static final List<String> MANIFEST_KEYS = List.of("schema", "schemas", "version", "defaults", "expect");

    /** A manifest is a mapping of the known keys; defaults and expect are mappings too. */
    private static void checkShape(Path manifest, JsonNode m, dev.keel.wire.io.KeyLines lines) {
        if (m == null || !m.isObject()) {
            throw new IllegalArgumentException(manifest + ": expected a mapping (schema: ..., expect: ...), not "
                    + (m == null || m.isMissingNode() || m.isNull()
                            ? "an empty file"
                            : m.isArray() ? "a list" : "a scalar"));
        }
        m.fieldNames().forEachRemaining(k -> {
            if (!MANIFEST_KEYS.contains(k)) {
                throw new IllegalArgumentException(lines.where("/" + k) + ": unknown key '" + k + "'"
                        + dev.keel.wire.io.KeyLines.suggestion(k, MANIFEST_KEYS));
            }
        });
        for (String k : List.of("defaults", "expect")) {
            JsonNode v = m.get(k);
            if (v != null && !v.isNull() && !v.isObject()) {
                throw new IllegalArgumentException(lines.where("/" + k) + ": " + k + " must be a mapping, not "
                        + (v.isArray() ? "a list" : "a scalar"));
            }
        }
    }

    /** Decodes every sample with {@code decoder}, expecting the corpus version. */
    public static <T> Report replay(Corpus corpus, StructuredDecoder<T> decoder) {
        var rows = new ArrayList<Row>();
        DecodeContext ctx = new DecodeContext(corpus.version(), CompatFallback.ON, null, "corpus", null);
        for (Path p : corpus.samples()) {
            String name = p.getFileName().toString();
            Decoded<T> d = decoder.decode(read(p), ctx);
            rows.add(new Row(name, corpus.expect().get(name), d.mode(), reason(d)));
        }
        return new Report(rows);
    }

    /** The reason a row reports: why strict failed (compat), or why compat failed too (summary). */
    static String reason(Decoded<?> d) {
        return switch (d) {
            case Decoded.Strict<?> s -> null;
            case Decoded.Compat<?> c ->
                c.reasons().isEmpty() ? null : c.reasons().get(0).kind().token();
            case Decoded.Summary<?> s -> s.reason().kind().token();
        };
    }

    /** A sample as a model output: raw text, or a Responses API body for {@code *.response.json}. */
    public static ModelOutput read(Path sample) {
        String text = dev.keel.wire.io.TextFiles.read(sample, "sample");
        if (sample.getFileName().toString().endsWith(".response.json")) {
            try {
                return ModelOutput.fromResponse(Json.parse(text));
            } catch (JsonSyntaxException e) {
                throw new IllegalArgumentException(
                        sample + ":" + e.getMessage() + " (a *.response.json sample must be"
                                + " a whole Responses API body)",
                        e);
            }
        }
        return ModelOutput.ofText(text);
    }

    private static List<Path> samples(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().equals(MANIFEST))
                    .filter(p -> p.getFileName().toString().endsWith(".txt")
                            || p.getFileName().toString().endsWith(".response.json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static Expectation expectation(Path manifest, String sample, String text) {
        String[] parts = text.strip().split("\\s+");
        try {
            DecodeMode mode = DecodeMode.valueOf(parts[0].toUpperCase(Locale.ROOT));
            return new Expectation(mode, parts.length > 1 ? parts[1] : null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(manifest + ": expect." + sample + " must be 'strict', 'compat' or"
                    + " 'summary', optionally followed by a reason, got '" + text + "'");
        }
    }

    private static String required(Path manifest, JsonNode m, String key) {
        String v = m.path(key).asText(null);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(manifest + ": '" + key + "' is required");
        }
        return v;
    }
}
