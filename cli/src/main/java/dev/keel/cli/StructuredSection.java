package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutConfig;
import dev.keel.structured.rollout.RolloutListener;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.function.Supplier;

/**
 * The {@code structured_output} section of {@code keel serve}'s {@code /debug/config}: with a
 * schemas folder, the live {@link Rollout} (following the running configuration, versions checked
 * against the registry); without one, the {@code structured-output.*} keys of the running
 * configuration. Both refuse a bad configuration at start-up. Thread-safe.
 */
final class StructuredSection {

    private final Rollout rollout;
    private final Supplier<KeelConfig> config;
    private final String source;

    private StructuredSection(Rollout rollout, Supplier<KeelConfig> config, String source) {
        this.rollout = rollout;
        this.config = config;
        this.source = source;
    }

    /**
     * @param config the running configuration (changes when keel serve reloads the file)
     * @param source where it is read from, for {@code /debug/config}
     * @throws IllegalArgumentException when the configuration names an unregistered version, or the
     *     folder holds several schemas and none is named
     */
    static StructuredSection start(Supplier<KeelConfig> config, String source, MeterRegistry metrics) {
        KeelConfig cfg = config.get();
        Path schemas = cfg.get(Settings.SCHEMAS);
        if (schemas == null || !Files.isDirectory(schemas)) {
            return new StructuredSection(null, config, source);
        }
        var registry = SchemaRegistry.load(schemas);
        String schema = cfg.get(Settings.SCHEMA);
        String name = schema != null ? schema : onlyName(registry, schemas);
        if (name == null) {
            return new StructuredSection(null, config, source);
        }
        var rollout = Rollout.start(
                name,
                registry,
                () -> config.get().rolloutConfig(),
                source,
                InstantSource.system(),
                metrics,
                RolloutListener.NONE);
        return new StructuredSection(rollout, config, source);
    }

    private static String onlyName(SchemaRegistry registry, Path schemas) {
        var names = registry.names();
        if (names.size() > 1) {
            throw new IllegalArgumentException(
                    schemas + " holds several schemas " + names + "; pick the one under rollout with --schema NAME");
        }
        return names.isEmpty() ? null : names.get(0);
    }

    /** Applies a reloaded configuration now rather than at the rollout's next check. */
    void reload() {
        if (rollout != null) {
            rollout.reload();
        }
    }

    /** The effective section now. */
    ObjectNode describe() {
        if (rollout != null) {
            rollout.assign("debug-config"); // runs a due reload; the assignment itself is discarded
            return rollout.describe();
        }
        ObjectNode out = Json.object();
        RolloutConfig c = config.get().rolloutConfig();
        out.put("schema_version", c.schemaVersion());
        out.put("baseline_version", c.baselineVersion());
        out.put("canary_percent", c.canaryPercent());
        out.put("compat_fallback", c.compatFallback().token());
        out.put("source", source);
        out.put("registry", "none: versions are not checked (pass --schemas DIR)");
        return out;
    }
}
