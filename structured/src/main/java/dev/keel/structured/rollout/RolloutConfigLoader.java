package dev.keel.structured.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.structured.decode.CompatFallback;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@link RolloutConfig} from the environment and the {@code structured_output} section of
 * {@code keel.yaml}:
 *
 * <pre>
 * structured_output:
 *   schema_version: v2          # STRUCTURED_OUTPUT_SCHEMA_VERSION
 *   baseline_version: v1        # STRUCTURED_OUTPUT_BASELINE_VERSION
 *   canary_percent: 5           # STRUCTURED_OUTPUT_CANARY_PERCENT (0-100)
 *   compat_fallback: 1          # STRUCTURED_OUTPUT_COMPAT_FALLBACK (0, 1 or force)
 *   reload_interval: 5s
 *   auto_rollback:
 *     enabled: true
 *     margin: 0.05
 *     min_samples: 200
 *     window: 1000
 * </pre>
 *
 * A setting may come from the environment or from the file, not both: a key set in both places is
 * refused, so a rollback written into one can never be shadowed by the other. Stateless; the file
 * is read on every {@link #load()}.
 */
public final class RolloutConfigLoader {

    /** The section of {@code keel.yaml} this loader reads. */
    public static final String SECTION = "structured_output";

    private static final Map<String, String> ENV = Map.of(
            "schema_version", "STRUCTURED_OUTPUT_SCHEMA_VERSION",
            "baseline_version", "STRUCTURED_OUTPUT_BASELINE_VERSION",
            "canary_percent", "STRUCTURED_OUTPUT_CANARY_PERCENT",
            "compat_fallback", "STRUCTURED_OUTPUT_COMPAT_FALLBACK");
    private static final Set<String> FILE_KEYS = Set.of(
            "schema_version",
            "baseline_version",
            "canary_percent",
            "compat_fallback",
            "reload_interval",
            "auto_rollback");
    private static final Set<String> AUTO_KEYS = Set.of("enabled", "margin", "min_samples", "window");

    private final Map<String, String> env;
    private final Path file;

    /**
     * @param env the environment ({@code System.getenv()})
     * @param file {@code keel.yaml}, or null for none; a file that does not exist counts as empty
     */
    public RolloutConfigLoader(Map<String, String> env, Path file) {
        this.env = Map.copyOf(env);
        this.file = file;
    }

    /** The file this loader reads, or null. */
    public Path file() {
        return file;
    }

    /**
     * Reads the configuration now.
     *
     * @throws IllegalArgumentException naming the variable or {@code file: structured_output.key},
     *     the bad value and what is allowed
     */
    public RolloutConfig load() {
        JsonNode section = section();
        RolloutConfig c = RolloutConfig.ofDefaults();
        for (var e : ENV.entrySet()) {
            String fromEnv = blankToNull(env.get(e.getValue()));
            boolean inFile = section.has(e.getKey());
            if (fromEnv != null && inFile) {
                throw new IllegalArgumentException(e.getValue() + " is set in the environment and " + where(e.getKey())
                        + " is set too; set it in one place only, so a rollback written into one is never shadowed by"
                        + " the other");
            }
        }
        String version = value("schema_version", section);
        String baseline = value("baseline_version", section);
        String percent = value("canary_percent", section);
        String fallback = value("compat_fallback", section);
        c = c.withSchemaVersion(version).withBaselineVersion(baseline);
        if (percent != null) {
            c = c.withCanaryPercent(percent(percent, origin("canary_percent", section)));
        }
        if (fallback != null) {
            c = c.withCompatFallback(CompatFallback.parse(origin("compat_fallback", section), fallback));
        }
        if (section.has("reload_interval")) {
            try {
                c = c.withReloadInterval(duration(section.get("reload_interval").asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        lines.where("/" + SECTION + "/reload_interval") + ": " + SECTION + "." + e.getMessage(), e);
            }
        }
        if (section.has("auto_rollback")) {
            c = c.withAutoRollback(auto(section.get("auto_rollback")));
        }
        return c;
    }

    private JsonNode section() {
        if (file == null || !Files.exists(file)) {
            lines = null;
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        JsonNode root;
        String text = dev.keel.wire.io.TextFiles.read(file, "keel.yaml");
        YAMLMapper yaml = new YAMLMapper();
        try {
            root = yaml.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + ": cannot read: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        lines = dev.keel.wire.io.KeyLines.of(file.toString(), yaml.getFactory(), text);
        if (root != null && !root.isNull() && !root.isMissingNode() && !root.isObject()) {
            throw new IllegalArgumentException(
                    file + ": expected a mapping of sections (" + SECTION + ": ...), not " + shape(root));
        }
        if (root != null && root.isObject()) {
            root.fieldNames().forEachRemaining(k -> {
                if (!k.equals(SECTION)) {
                    throw new IllegalArgumentException(lines.where("/" + k) + ": unknown section '" + k
                            + "' (keel.yaml has only " + SECTION + ")"
                            + dev.keel.wire.io.KeyLines.suggestion(k, Set.of(SECTION)));
                }
            });
        }
        JsonNode s = root == null ? null : root.get(SECTION);
        if (s == null || s.isNull()) {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        }
        if (!s.isObject()) {
            throw new IllegalArgumentException(lines.where("/" + SECTION) + ": " + SECTION
                    + " must be a mapping of settings (schema_version: v2, ...), not " + shape(s));
        }
        s.fieldNames().forEachRemaining(k -> {
            if (!FILE_KEYS.contains(k)) {
                throw new IllegalArgumentException(lines.where("/" + SECTION + "/" + k) + ": " + SECTION + "." + k
                        + " is not a setting" + dev.keel.wire.io.KeyLines.suggestion(k, FILE_KEYS));
            }
        });
        return s;
    }

    /** Where the keys of the file last read stand; null when there is no file. */
    private dev.keel.wire.io.KeyLines lines;

    private static String shape(JsonNode n) {
        return n.isArray() ? "a list" : n.isObject() ? "a mapping" : "a scalar (" + n.asText() + ")";
    }

    private String value(String key, JsonNode section) {
        String fromEnv = blankToNull(env.get(ENV.get(key)));
        if (fromEnv != null) {
            return fromEnv.strip();
        }
        JsonNode v = section.get(key);
        return v == null || v.isNull() ? null : blankToNull(v.asText());
    }

    private String origin(String key, JsonNode section) {
        return section.has(key) ? where(key) : ENV.get(key);
    }

    private String where(String key) {
        return file + ": " + SECTION + "." + key;
    }

    private static int percent(String s, String where) {
        try {
            return new RolloutConfig(
                            null,
                            null,
                            Integer.parseInt(s.strip()),
                            CompatFallback.ON,
                            AutoRollbackConfig.ofDefaults(),
                            Duration.ofSeconds(5))
                    .canaryPercent();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + " must be an integer within 0-100, got '" + s + "'");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + " must be an integer within 0-100, got " + s.strip());
        }
    }

    private AutoRollbackConfig auto(JsonNode n) {
        String at = "/" + SECTION + "/auto_rollback";
        if (!n.isObject()) {
            throw new IllegalArgumentException(lines.where(at) + ": " + SECTION
                    + ".auto_rollback must be a mapping (enabled, margin, min_samples, window), not " + shape(n));
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!AUTO_KEYS.contains(k)) {
                throw new IllegalArgumentException(lines.where(at + "/" + k) + ": " + SECTION + ".auto_rollback." + k
                        + " is not a setting" + dev.keel.wire.io.KeyLines.suggestion(k, AUTO_KEYS));
            }
        });
        var d = AutoRollbackConfig.ofDefaults();
        JsonNode enabled = n.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
            throw new IllegalArgumentException(lines.where(at + "/enabled") + ": " + SECTION
                    + ".auto_rollback.enabled must be true or false, got " + enabled.asText());
        }
        try {
            return new AutoRollbackConfig(
                    enabled == null ? d.enabled() : enabled.booleanValue(),
                    number(n, at, "margin", false, d.margin()),
                    (int) number(n, at, "min_samples", true, d.minSamples()),
                    (int) number(n, at, "window", true, d.window()));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IllegalArgumentException(file + ": " + SECTION + "." + e.getMessage(), e);
        }
    }

    /** A number of {@code auto_rollback}, or its default; a string or a fraction where a count goes is refused. */
    private double number(JsonNode n, String at, String key, boolean whole, double fallback) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return fallback;
        }
        boolean ok = whole ? v.canConvertToInt() && v.isIntegralNumber() : v.isNumber();
        if (!ok || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException(lines.where(at + "/" + key) + ": " + SECTION + ".auto_rollback." + key
                    + " must be " + (whole ? "a whole number" : "a number") + ", got " + v.asText());
        }
        return v.doubleValue();
    }

    /** {@code 5s}, {@code 500ms}, {@code 1m} or ISO-8601 ({@code PT5S}). */
    static Duration duration(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            }
            if (t.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            return Duration.parse(s.strip());
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("reload_interval '" + s + "' is not a duration such as 5s, 500ms or 1m");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
