package dev.keel.realtime.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.json.Json;
import org.junit.jupiter.api.Test;

class TokenRequestTest {

    @Test
    void fromJson_emptyBody_takesAlloyAnd300s() {
        var r = TokenRequest.fromJson(null, TokenRequest.ofDefaults());
        assertThat(r.voice()).isEqualTo("alloy");
        assertThat(r.expiresAfterSeconds()).isEqualTo(300);
        assertThat(r.toClientSecretsBody().at("/expires_after/seconds").asInt()).isEqualTo(300);
        assertThat(r.toClientSecretsBody().at("/session/audio/output/voice").asText())
                .isEqualTo("alloy");
    }

    @Test
    void fromJson_lifetimeOutside60To300_isRejectedNamingTheField() {
        for (int s : new int[] {59, 301, 0, 7200}) {
            assertThatThrownBy(() -> TokenRequest.fromJson(
                            Json.parse("{\"expires_after\":{\"seconds\":" + s + "}}"), TokenRequest.ofDefaults()))
                    .isInstanceOfSatisfying(
                            InvalidTokenRequestException.class,
                            e -> assertThat(e.param()).isEqualTo("expires_after.seconds"))
                    .hasMessageContaining("between 60 and 300");
        }
        assertThat(TokenRequest.fromJson(Json.parse("{\"expires_after\":{\"seconds\":60}}"), TokenRequest.ofDefaults())
                        .expiresAfterSeconds())
                .isEqualTo(60);
    }

    @Test
    void fromJson_wrongTypes_areRejected() {
        assertThatThrownBy(() -> TokenRequest.fromJson(Json.parse("{\"voice\":3}"), TokenRequest.ofDefaults()))
                .isInstanceOf(InvalidTokenRequestException.class)
                .hasMessageContaining("voice");
        assertThatThrownBy(() -> TokenRequest.fromJson(
                        Json.parse("{\"expires_after\":{\"seconds\":\"300\"}}"), TokenRequest.ofDefaults()))
                .isInstanceOf(InvalidTokenRequestException.class);
    }
}
