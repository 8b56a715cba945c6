package dev.keel.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PoolConfigTest {

    @Test
    void defaults_offerH2OverTlsButNotH2cOverCleartext() {
        PoolConfig p = PoolConfig.ofDefaults();
        assertThat(p.http2()).isTrue();
        assertThat(p.h2c())
                .as("an http:// server is not assumed to speak HTTP/2")
                .isFalse();
    }

    @Test
    void withH2c_turnsCleartextHttp2On() {
        assertThat(PoolConfig.ofDefaults().withH2c(true).h2c()).isTrue();
    }

    @Test
    void withHttp2False_alsoTurnsH2cOff() {
        PoolConfig p = PoolConfig.ofDefaults().withH2c(true).withHttp2(false);
        assertThat(p.http2()).isFalse();
        assertThat(p.h2c()).isFalse();
    }

    @Test
    void h2cWithoutHttp2_isRefusedSayingWhich() {
        assertThatThrownBy(() -> PoolConfig.ofDefaults().withHttp2(false).withH2c(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("h2c")
                .hasMessageContaining("withHttp2(false)");
    }
}
