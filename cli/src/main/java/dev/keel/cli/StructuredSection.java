package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.rollout.RolloutConfig;
import dev.keel.structured.rollout.RolloutConfigLoader;
import dev.keel.structured.rollout.RolloutListener;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Map;

/**
 * The {@code structured_output} section of {@code keel serve}'s {@code /debug/config}: with a
 * schemas folder, the live {@link Rollout} (re-read while running, versions checked against the
 * registry); without one, the configuration read from the environment and {@code keel.yaml}, re-read
 * on every request. Both refuse a bad configuration at start-up. Thread-safe.
 */
final class StructuredSection {

    private final Rollout rollout;
    private final RolloutConfigLoader loader;

    private StructuredSection(Rollout rollout, RolloutConfigLoader loader) {
        this.rollout = rollout;
        this.loader = loader;
    }

    /**
     * @throws IllegalArgumentException when the configuration is invalid (e.g. a canary percent outside
     *     0–100, an unregistered version)
     */
    static StructuredSection start(
            Map<String, String> env, Path config, Path schemas, String schema, MeterRegistry metrics) {
        var loader = new RolloutConfigLoader(env, config);
        loader.load(); // refuses a bad configuration at start-up
        if (schemas == null || !Files.isDirectory(schemas)) {
            return new StructuredSection(null, loader);
        }
        var registry = SchemaRegistry.load(schemas);
        String name = schema != null ? schema : onlyName(registry, schemas);
        if (name == null) {
            return new StructuredSection(null, loader);
        }
        var rollout = Rollout.start(name, registry, loader, InstantSource.system(), metrics, RolloutListener.NONE);
        return new StructuredSection(rollout, loader);
    }

    private static String onlyName(SchemaRegistry registry, Path schemas) {
        var names = registry.names();
        if (names.size() > 1) {
            throw new IllegalArgumentException(
                    schemas + " holds several schemas " + names + "; pick the one under rollout with --schema NAME");
        }
        return names.isEmpty() ? null : names.get(0);
    }

    /** The effective section now. */
    ObjectNode describe() {
        if (rollout != null) {
            rollout.assign("debug-config"); // runs a due reload; the assignment itself is discarded
            return rollout.describe();
        }
        ObjectNode out = Json.object();
        try {
            RolloutConfig c = loader.load();
            out.put("schema_version", c.schemaVersion());
            out.put("baseline_version", c.baselineVersion());
            out.put("canary_percent", c.canaryPercent());
            out.put("compat_fallback", c.compatFallback().token());
            out.put("source", loader.file() == null ? "environment" : loader.file() + " and the environment");
            out.put("registry", "none: versions are not checked (pass --schemas DIR)");
        } catch (IllegalArgumentException e) {
            out.put("error", e.getMessage());
        }
        return out;
    }
}
