package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON instances against JSON Schemas (draft 2020-12) with networknt, caching each
 * compiled schema by its canonical hash. Thread-safe; share one instance.
 */
public final class SchemaValidator {

    /**
     * One reason an instance does not validate.
     *
     * @param location where in the instance, e.g. {@code $.priority}
     * @param keyword the schema keyword that failed, e.g. {@code required}, {@code enum}, {@code type}
     * @param message networknt's message
     */
    public record Violation(String location, String keyword, String message) {
        @Override
        public String toString() {
            return location + ": " + message;
        }
    }

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** The violations of {@code instance} against a registered schema; empty when it validates. */
    public List<Violation> validate(RegisteredSchema schema, JsonNode instance) {
        return validate(schema.hash(), schema.schema(), instance);
    }

    /** The violations of {@code instance} against {@code schema}; empty when it validates. */
    public List<Violation> validate(JsonNode schema, JsonNode instance) {
        return validate(CanonicalJson.sha256(schema), schema, instance);
    }

    /** {@code schema} compiled once, uncached, for a caller that checks many instances against it. */
    Schema compile(JsonNode schema) {
        return registry.getSchema(schema);
    }

    /** Whether {@code instance} validates against a schema from {@link #compile}. */
    static boolean accepts(Schema compiled, JsonNode instance) {
        return compiled.validate(instance).isEmpty();
    }

    private List<Violation> validate(String hash, JsonNode schema, JsonNode instance) {
        Schema s = compiled.computeIfAbsent(hash, h -> registry.getSchema(schema));
        return s.validate(instance).stream()
                .map(e -> new Violation(
                        e.getInstanceLocation() == null
                                ? "$"
                                : e.getInstanceLocation().toString(),
                        e.getKeyword(),
                        e.getMessage()))
                .toList();
    }

    /** Whether {@code instance} validates against {@code schema}. */
    public boolean accepts(JsonNode schema, JsonNode instance) {
        return validate(schema, instance).isEmpty();
    }
}
