package dev.keel.structured.decode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import org.junit.jupiter.api.Test;

/** Schemas without a {@code schema_version} property: nothing to route by, so the expected version decodes strictly. */
class VersionlessSchemaDecodeTest {

    private static final String V1 = """
            {"type":"object","additionalProperties":false,"required":["answer"],
             "properties":{"answer":{"type":"string"}}}""";
    private static final String V2 = """
            {"type":"object","additionalProperties":false,"required":["answer","confidence"],
             "properties":{"answer":{"type":"string"},"confidence":{"type":"number"}}}""";
    private static final String VERSIONED = """
            {"type":"object","additionalProperties":false,"required":["schema_version","answer"],
             "properties":{"schema_version":{"type":"string","enum":["v1"]},"answer":{"type":"string"}}}""";

    private final RecordingDecodeListener events = new RecordingDecodeListener();

    private StructuredDecoder<JsonNode> decoder(String name, String... schemas) {
        var registry = new SchemaRegistry();
        for (int i = 0; i < schemas.length; i++) {
            registry.register(name, "v" + (i + 1), Json.parse(schemas[i]));
        }
        var b = StructuredDecoder.builder(registry, name, JsonNode.class);
        for (String v : registry.versions(name)) {
            b.version(v, JsonNode.class, j -> j);
        }
        return b.listener(events).build();
    }

    @Test
    void decode_validAnswerWithoutVersionField_isStrictAsTheExpectedVersion() {
        var d = decoder("qa", V1, V2)
                .decode(ModelOutput.ofText("{\"answer\":\"42\",\"confidence\":0.9}"), DecodeContext.expecting("v2"));
        assertThat(d).isEqualTo(new Decoded.Strict<>(Json.parse("{\"answer\":\"42\",\"confidence\":0.9}"), "v2"));
        assertThat(events.last().reasons()).isEmpty();
        assertThat(events.last().path()).containsExactly(DecodeMode.STRICT);
    }

    @Test
    void decode_versionlessAnswerExpectingTheOlderVersion_isStrictAsThatVersionNotAMismatch() {
        var d = decoder("qa", V1, V2).decode(ModelOutput.ofText("{\"answer\":\"42\"}"), DecodeContext.expecting("v1"));
        assertThat(d).isInstanceOf(Decoded.Strict.class);
        assertThat(d.version()).isEqualTo("v1");
    }

    @Test
    void decode_versionlessReplayWithoutExpectedVersion_isStrictAsTheNewest() {
        var d = decoder("qa", V1, V2)
                .decode(ModelOutput.ofText("{\"answer\":\"42\",\"confidence\":1}"), DecodeContext.replay());
        assertThat(d).isInstanceOf(Decoded.Strict.class);
        assertThat(d.version()).isEqualTo("v2");
    }

    @Test
    void decode_versionlessSchemaViolation_fallsBackWithSchemaViolationNotMissingVersion() {
        var d = decoder("qa", V1, V2).decode(ModelOutput.ofText("{\"answer\":\"42\"}"), DecodeContext.expecting("v2"));
        assertThat(d).isInstanceOf(Decoded.Summary.class);
        assertThat(events.last().reasons())
                .extracting(Reason::kind)
                .startsWith(ReasonKind.SCHEMA_VIOLATION)
                .doesNotContain(ReasonKind.MISSING_VERSION);
    }

    @Test
    void decode_schemaThatDeclaresAVersionButOutputLacksIt_isStillMissingVersion() {
        var d = decoder("versioned", VERSIONED)
                .decode(ModelOutput.ofText("{\"answer\":\"42\"}"), DecodeContext.expecting("v1"));
        assertThat(d).isInstanceOf(Decoded.Compat.class);
        assertThat(((Decoded.Compat<JsonNode>) d).reasons().get(0).kind()).isEqualTo(ReasonKind.MISSING_VERSION);
    }
}
