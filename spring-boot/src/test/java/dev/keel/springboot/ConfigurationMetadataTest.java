package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.config.Setting;
import dev.keel.config.Settings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

/**
 * The shipped {@code spring-configuration-metadata.json} is exactly what the model generates, and
 * names every key of the model under {@code keel.} (regenerate: {@code -DupdateKeelMetadata=true}).
 */
class ConfigurationMetadataTest {

    private static final Path SHIPPED = Path.of("src/main/resources/META-INF/spring-configuration-metadata.json");

    @Test
    void shippedMetadata_isGeneratedFromTheModel() throws Exception {
        String generated = ConfigurationMetadata.json();
        if (Boolean.getBoolean("updateKeelMetadata")) {
            Files.writeString(SHIPPED, generated);
        }
        assertThat(Files.readString(SHIPPED))
                .as("spring-configuration-metadata.json is stale: rerun with -DupdateKeelMetadata=true")
                .isEqualTo(generated);
        JsonNode doc = new ObjectMapper().readTree(generated);
        var names = new HashSet<String>();
        doc.get("properties").forEach(p -> names.add(p.get("name").asText()));
        for (Setting<?> s : Settings.all()) {
            assertThat(names).contains("keel." + s.key());
        }
        JsonNode attempts = null;
        for (JsonNode p : doc.get("properties")) {
            if (p.get("name").asText().equals("keel.retry.max-attempts")) {
                attempts = p;
            }
        }
        assertThat(attempts).isNotNull();
        assertThat(attempts.get("type").asText()).isEqualTo("java.lang.Integer");
        assertThat(attempts.get("description").asText()).isNotBlank();
    }
}
