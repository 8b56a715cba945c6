package dev.keel.structured.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaRegistryTest {

    static final String V1 = """
            {"type":"object","additionalProperties":false,"required":["schema_version","a"],
             "properties":{"schema_version":{"type":"string","enum":["v1"]},"a":{"type":"string"}}}""";

    @TempDir
    Path dir;

    @Test
    void load_firstTime_recordsHashesInTheLockFile() throws Exception {
        write("thing/v1.json", V1);
        var registry = SchemaRegistry.load(dir);
        assertThat(registry.versions("thing")).containsExactly("v1");
        String lock = Files.readString(dir.resolve(SchemaRegistry.LOCK_FILE));
        assertThat(lock).contains("thing/v1 " + CanonicalJson.sha256(Json.parse(V1)));
    }

    @Test
    void load_aLockFileThatIsNotUtf8_namesItAndTheByteOffset() throws Exception {
        write("thing/v1.json", V1);
        Files.write(dir.resolve(SchemaRegistry.LOCK_FILE), new byte[] {'t', 'h', (byte) 0xFF, '\n'});
        assertThatThrownBy(() -> SchemaRegistry.load(dir))
                .hasMessageContaining(SchemaRegistry.LOCK_FILE)
                .hasMessageContaining("not UTF-8 text (byte 0xFF at byte offset 2)");
    }

    @Test
    void load_reformattedButSameContent_isAccepted() throws Exception {
        write("thing/v1.json", V1);
        SchemaRegistry.load(dir);
        write(
                "thing/v1.json",
                Json.mapper()
                        .writerWithDefaultPrettyPrinter()
                        .writeValueAsString(CanonicalJson.sorted(Json.parse(V1))));
        assertThat(SchemaRegistry.load(dir).get("thing", "v1").schema()).isEqualTo(Json.parse(V1));
    }

    @Test
    void load_editedInPlace_isRefusedWithAMessageToAddANewVersion() throws Exception {
        write("thing/v1.json", V1);
        SchemaRegistry.load(dir);
        write("thing/v1.json", V1.replace("\"a\":{\"type\":\"string\"}", "\"a\":{\"type\":\"integer\"}"));
        assertThatThrownBy(() -> SchemaRegistry.load(dir))
                .isInstanceOf(SchemaChangedException.class)
                .hasMessageContaining(dir.resolve("thing/v1.json").toString())
                .hasMessageContaining("changed after it was registered")
                .hasMessageContaining("add the change as a new version (" + dir.resolve("thing/v2.json") + ")");
    }

    @Test
    void load_verifyOnly_refusesAnUnrecordedVersion() throws Exception {
        write("thing/v1.json", V1);
        assertThatThrownBy(() -> SchemaRegistry.load(dir, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thing/v1 is not recorded");
        assertThat(dir.resolve(SchemaRegistry.LOCK_FILE)).doesNotExist();
    }

    @Test
    void load_schemaFailingTheLint_isRefusedNamingFileAndPointer() throws Exception {
        write("thing/v1.json", V1.replace("\"additionalProperties\":false,", ""));
        assertThatThrownBy(() -> SchemaRegistry.load(dir))
                .hasMessageContaining("thing/v1.json")
                .hasMessageContaining("ADDITIONAL_PROPERTIES");
    }

    @Test
    void load_versionLiteralNotMatchingTheFile_isRefused() throws Exception {
        write("thing/v2.json", V1);
        assertThatThrownBy(() -> SchemaRegistry.load(dir))
                .hasMessageContaining(
                        "fixes schema_version to \"v1\" at /properties/schema_version/enum; it must be \"v2\"");
    }

    @Test
    void register_inCode_sameContentIsIdempotent_differentContentRefused() {
        var registry = new SchemaRegistry();
        var first = registry.register("thing", "v1", Json.parse(V1));
        assertThat(registry.register("thing", "v1", CanonicalJson.sorted(Json.parse(V1))))
                .isSameAs(first);
        assertThatThrownBy(() -> registry.register("thing", "v1", Json.parse(V1.replace("\"a\"", "\"b\""))))
                .isInstanceOf(SchemaChangedException.class)
                .hasMessageContaining("thing/v2");
    }

    @Test
    void versions_areOrderedByNumber_andPreviousFollowsThatOrder() {
        var registry = new SchemaRegistry();
        for (String v : new String[] {"v10", "v2", "v1"}) {
            registry.register("thing", v, Json.parse(V1.replace("\"v1\"", "\"" + v + "\"")));
        }
        assertThat(registry.versions("thing")).containsExactly("v1", "v2", "v10");
        assertThat(registry.latest("thing").version()).isEqualTo("v10");
        assertThat(registry.previous("thing", "v10")).contains("v2");
        assertThat(registry.previous("thing", "v1")).isEmpty();
        assertThatThrownBy(() -> registry.get("thing", "v3"))
                .hasMessageContaining("registered versions of thing: [v1, v2, v10]");
    }

    @Test
    void tickets_loadVerifiedAgainstTheCommittedLock() {
        var registry = SchemaRegistry.load(Tickets.SCHEMAS, false);
        assertThat(registry.versions("ticket")).containsExactly("v1", "v2");
        assertThat(registry.get("ticket", "v2").formatName()).isEqualTo("ticket_v2");
    }

    private void write(String rel, String text) throws Exception {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }
}
