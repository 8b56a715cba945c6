package dev.keel.springboot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.config.Setting;
import dev.keel.config.Settings;
import dev.keel.config.ValueType;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code META-INF/spring-configuration-metadata.json}, generated from keel's configuration model so
 * IDEs complete every {@code keel.*} property with its type, description and default, and cannot drift
 * from the model: {@code ConfigurationMetadataTest} fails when the shipped file differs from {@link
 * #json()} (regenerate with {@code -DupdateKeelMetadata=true}).
 */
public final class ConfigurationMetadata {

    private ConfigurationMetadata() {}

    /** The metadata document, pretty-printed, ending in a newline. */
    public static String json() {
        var mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        ArrayNode groups = root.putArray("groups");
        ArrayNode properties = root.putArray("properties");
        Set<String> seen = new LinkedHashSet<>();
        groups.addObject()
                .put("name", "keel")
                .put("description", "keel: production rails for calling the OpenAI API (the keel.yaml keys).");
        for (Setting<?> s : Settings.all()) {
            String key = s.key();
            int dot = key.indexOf('.');
            String group = dot > 0 ? key.substring(0, dot) : null;
            if (group != null && seen.add(group)) {
                groups.addObject().put("name", "keel." + group);
            }
            ObjectNode p = properties.addObject();
            p.put("name", "keel." + key);
            p.put("type", s.map() ? "java.util.Map<java.lang.String,java.lang.String>" : javaType(s.type()));
            StringBuilder d = new StringBuilder(s.description());
            if (s.defaultText() != null && !s.defaultText().isEmpty()) {
                d.append(" Default: ").append(s.defaultText()).append('.');
            }
            if (s.secret()) {
                d.append(" Secret: redacted in /actuator/keel.");
            }
            if (!s.env().isEmpty()) {
                d.append(" Environment: ").append(String.join(", ", s.env())).append('.');
            }
            p.put("description", d.toString());
        }
        try {
            return mapper.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String javaType(ValueType<?> t) {
        if (t == ValueType.INTEGER) {
            return "java.lang.Integer";
        }
        if (t == ValueType.NUMBER || t == ValueType.MONEY) {
            return "java.lang.Double";
        }
        if (t == ValueType.BOOLEAN) {
            return "java.lang.Boolean";
        }
        if (t == ValueType.DURATION) {
            return "java.time.Duration";
        }
        if (t == ValueType.SIZE) {
            return "org.springframework.util.unit.DataSize";
        }
        if (t.describe().equals(ValueType.URL.describe())) {
            return "java.net.URI";
        }
        if (t == ValueType.PATH) {
            return "java.nio.file.Path";
        }
        return "java.lang.String";
    }
}
