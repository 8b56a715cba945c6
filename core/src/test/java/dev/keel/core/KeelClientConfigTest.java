package dev.keel.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeelClientConfigTest {

    private static final String KEY = "sk-proj-test-abcdefghijklmnopqrstu";

    @Test
    void defaults_matchTheDesign() {
        var c = KeelClientConfig.builder(KEY, KeelClientConfig.OPENAI).build();
        assertThat(c.businessTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.perCallTimeout()).isEqualTo(Duration.ofSeconds(25));
        assertThat(c.inFlightLimit()).isEqualTo(64);
        assertThat(c.pool().maxConnectionsPerDestination()).isEqualTo(256);
        assertThat(c.pool().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.pool().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.slo().target()).isEqualTo(0.995);
    }

    @Test
    void build_perCallNotShorterThanBusiness_isRefusedNamingBoth() {
        var b = KeelClientConfig.builder(KEY, KeelClientConfig.OPENAI)
                .businessTimeout(Duration.ofSeconds(30))
                .perCallTimeout(Duration.ofSeconds(30));
        assertThatThrownBy(b::build)
                .hasMessageContaining("perCallTimeout=30s")
                .hasMessageContaining("businessTimeout=30s");
    }

    @Test
    void build_badBaseUrlOrMissingKey_isRefused() {
        assertThatThrownBy(() ->
                        KeelClientConfig.builder(KEY, URI.create("ftp://x")).build())
                .hasMessageContaining("absolute http(s) URL");
        assertThatThrownBy(() ->
                        KeelClientConfig.builder(" ", KeelClientConfig.OPENAI).build())
                .hasMessageContaining("API key is required");
    }

    @Test
    void toString_neverShowsTheKey() {
        var c = KeelClientConfig.builder(KEY, KeelClientConfig.OPENAI).build();
        assertThat(c.toString())
                .doesNotContain(KEY)
                .doesNotContain("abcdef")
                .doesNotContain("rstu")
                .contains("<redacted sha256:");
        assertThat(c.redactedKey())
                .isEqualTo(KeelClientConfig.builder(KEY, URI.create("http://127.0.0.1:1"))
                        .build()
                        .redactedKey());
    }

    @Test
    void fromEnvironment_readsTheSdkVariables() {
        var c = KeelClientConfig.fromEnvironment(Map.of(
                        "OPENAI_API_KEY", KEY,
                        "OPENAI_BASE_URL", "http://127.0.0.1:8080/v1/",
                        "OPENAI_ORG_ID", "org-1",
                        "OPENAI_PROJECT_ID", "proj-1"))
                .build();
        assertThat(c.baseUrl()).hasToString("http://127.0.0.1:8080/v1");
        assertThat(c.organization()).isEqualTo("org-1");
        assertThat(c.project()).isEqualTo("proj-1");
    }
}
