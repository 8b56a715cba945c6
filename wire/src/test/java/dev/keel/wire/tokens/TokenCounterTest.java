package dev.keel.wire.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.EncodingType;
import org.junit.jupiter.api.Test;

class TokenCounterTest {

    @Test
    void encodingFor_currentModels_useO200k() {
        assertThat(TokenCounter.encodingTypeFor("gpt-4.1-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCounter.encodingTypeFor("gpt-4o")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCounter.encodingTypeFor("gpt-5")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCounter.encodingTypeFor("o3-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenCounter.encodingTypeFor("some-future-model")).isEqualTo(EncodingType.O200K_BASE);
    }

    @Test
    void encodingFor_legacyAndEmbeddingModels_useCl100k() {
        assertThat(TokenCounter.encodingTypeFor("gpt-4-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCounter.encodingTypeFor("gpt-3.5-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenCounter.encodingTypeFor("text-embedding-3-small")).isEqualTo(EncodingType.CL100K_BASE);
    }

    @Test
    void count_knownSentence_matchesTiktoken() {
        // tiktoken o200k_base: "Hello, world!" -> [13225, 11, 2375, 0]
        assertThat(TokenCounter.count("gpt-4o", "Hello, world!")).isEqualTo(4);
        // tiktoken cl100k_base: "hello world" -> [15339, 1917]
        assertThat(TokenCounter.count("gpt-4", "hello world")).isEqualTo(2);
    }

    @Test
    void count_emptyOrNull_isZero() {
        assertThat(TokenCounter.count("gpt-4o", "")).isZero();
        assertThat(TokenCounter.count("gpt-4o", null)).isZero();
    }
}
