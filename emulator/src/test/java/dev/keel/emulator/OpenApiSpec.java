package dev.keel.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The official OpenAI OpenAPI spec (copied under test resources with its license note), loaded
 * once, with JSON Schema validation of bodies against the schema an operation declares.
 * Thread-safe.
 */
final class OpenApiSpec {

    private static volatile OpenApiSpec instance;

    private final JsonNode spec;
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private final Map<String, String> streamEventRefs = new HashMap<>();

    private OpenApiSpec(JsonNode spec) {
        this.spec = spec;
        for (JsonNode branch : spec.at("/components/schemas/ResponseStreamEvent/anyOf")) {
            String ref = branch.get("$ref").asText();
            JsonNode type = spec.at(ref.substring(1) + "/properties/type");
            String name = type.has("enum")
                    ? type.get("enum").get(0).asText()
                    : type.path("const").asText();
            streamEventRefs.put(name, ref);
        }
    }

    static OpenApiSpec get() {
        if (instance == null) {
            synchronized (OpenApiSpec.class) {
                if (instance == null) {
                    instance = new OpenApiSpec(load());
                }
            }
        }
        return instance;
    }

    private static JsonNode load() {
        try (InputStream in = OpenApiSpec.class.getResourceAsStream("/openai-openapi/openapi.yaml")) {
            JsonNode spec = new YAMLMapper().readTree(in);
            applyNullable(spec);
            return spec;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The spec is OpenAPI 3.1 but still marks some schemas with 3.0's {@code nullable: true}, which
     * JSON Schema ignores; this rewrites each into the 3.1 form, a type union with {@code null} ({@code
     * null} added to an enum, a {@code $ref} becoming {@code anyOf} it or null), so the validator
     * reads the spec as its authors meant it.
     */
    private static void applyNullable(JsonNode node) {
        if (node instanceof ObjectNode obj && obj.path("nullable").asBoolean(false)) {
            JsonNode type = obj.get("type");
            if (type != null && type.isTextual()) {
                obj.set("type", Json.array().add(type.asText()).add("null"));
            }
            if (obj.get("enum") instanceof com.fasterxml.jackson.databind.node.ArrayNode values) {
                values.addNull();
            }
            if (obj.has("$ref") && !obj.has("anyOf")) {
                // A nullable reference (e.g. a chat chunk's usage): the referenced schema or null.
                var ref = Json.object().set("$ref", obj.remove("$ref"));
                obj.putArray("anyOf").add(ref).add(Json.object().put("type", "null"));
            }
        }
        node.forEach(OpenApiSpec::applyNullable);
    }

    /** The whole spec, as loaded (with {@code nullable} rewritten); callers must not change it. */
    JsonNode raw() {
        return spec;
    }

    /** The {@code $ref} the spec gives for an operation's 200 body of this content type. */
    String responseRef(String method, String path, String contentType) {
        JsonNode op = spec.path("paths").path(path).path(method.toLowerCase(java.util.Locale.ROOT));
        JsonNode schema = op.at("/responses/200/content").path(contentType).path("schema");
        if (!schema.has("$ref")) {
            throw new IllegalArgumentException(
                    "the spec declares no 200 " + contentType + " schema ref for " + method + " " + path);
        }
        return schema.get("$ref").asText();
    }

    /** The schema ref of one Responses stream event type, e.g. {@code response.output_text.delta}. */
    String streamEventRef(String type) {
        String ref = streamEventRefs.get(type);
        if (ref == null) {
            throw new IllegalArgumentException("the spec has no stream event of type " + type);
        }
        return ref;
    }

    /** Validation messages for {@code body} against {@code ref} (e.g. {@code #/components/schemas/Batch}); empty when valid. */
    List<String> validate(String ref, JsonNode body) {
        return schema(ref).validate(body).stream()
                .map(e -> e.getInstanceLocation() + ": " + e.getMessage())
                .toList();
    }

    private Schema schema(String ref) {
        return schemas.computeIfAbsent(ref, r -> {
            ObjectNode doc = Json.object();
            doc.put("$schema", "https://json-schema.org/draft/2020-12/schema");
            doc.put("$ref", r);
            doc.set("components", spec.get("components"));
            return registry.getSchema(
                    SchemaLocation.of(
                            "https://keel.test/openapi/" + r.replace('/', '_').replace("#", "")),
                    doc);
        });
    }
}
