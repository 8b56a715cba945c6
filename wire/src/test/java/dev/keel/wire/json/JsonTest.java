package dev.keel.wire.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parse_wellFormed_roundTrips() {
        var node = Json.parse("{\"a\":[1,2.5,\"x\"],\"b\":null}");
        assertThat(Json.write(node)).isEqualTo("{\"a\":[1,2.5,\"x\"],\"b\":null}");
    }

    @Test
    void parse_malformed_namesLineAndColumn() {
        assertThatThrownBy(() -> Json.parse("{\n  \"a\": tru\n}"))
                .isInstanceOf(JsonSyntaxException.class)
                .hasMessageContaining("line 2")
                .satisfies(e -> assertThat(((JsonSyntaxException) e).line()).isEqualTo(2));
    }

    @Test
    void parse_empty_isRejected() {
        assertThatThrownBy(() -> Json.parse("   ")).isInstanceOf(JsonSyntaxException.class);
    }
}
