package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The request-schema extract shipped in main resources is what the spec in test resources gives.
 * Run with {@code -Dkeel.regenerateRequestSchemas=true} to rewrite it after updating the spec.
 */
class RequestSchemasTest {

    private static final String RESOURCE = "/dev/keel/emulator/request-schemas.json";

    @Test
    void extract_derivedFromSpec_matchesShippedResource() throws IOException {
        // Written and read back, so numbers compare as the shipped file's do.
        JsonNode derived = Json.parse(
                Json.write(RequestSchemaExtract.derive(OpenApiSpec.get().raw())));
        if (Boolean.getBoolean("keel.regenerateRequestSchemas")) {
            Files.writeString(Path.of("src/main/resources" + RESOURCE), Json.write(derived) + "\n");
        }
        try (InputStream in = RequestSchemasTest.class.getResourceAsStream(RESOURCE)) {
            assertThat(in).as("shipped extract " + RESOURCE).isNotNull();
            assertThat(Json.mapper().readTree(in))
                    .as(
                            "the shipped extract drifted from the spec; regenerate with -Dkeel.regenerateRequestSchemas=true")
                    .isEqualTo(derived);
        }
    }

    @Test
    void extract_shipsTheMitNoticeBesideIt() throws IOException {
        try (InputStream in =
                RequestSchemasTest.class.getResourceAsStream("/dev/keel/emulator/request-schemas.NOTICE.md")) {
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("MIT License. Copyright (c) OpenAI.");
        }
    }
}
