package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One immutable version of a named schema, as the registry holds it.
 *
 * @param name the schema's name, e.g. {@code ticket}
 * @param version the version, e.g. {@code v2}
 * @param schema the JSON Schema (never mutate it)
 * @param hash the canonical content hash ({@link CanonicalJson#sha256})
 * @param source where it came from: a file path, or {@code code} for in-code registration
 */
public record RegisteredSchema(String name, String version, JsonNode schema, String hash, String source) {

    public RegisteredSchema {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(hash, "hash");
    }

    /** {@code name/version}, the key in {@code schemas.lock}. */
    public String key() {
        return name + "/" + version;
    }

    /**
     * The {@code text.format.name} for requests: {@code <name>_<version>} with characters outside
     * {@code [a-zA-Z0-9_-]} replaced by {@code _}, at most 64 characters, as the API requires.
     */
    public String formatName() {
        String n = (name + "_" + version).replaceAll("[^a-zA-Z0-9_-]", "_");
        return n.length() > 64 ? n.substring(0, 64) : n;
    }
}
