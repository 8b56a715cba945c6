package dev.keel.wire.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Random;
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

    @Test
    void count_asciiUnderO200k_equalsJtokkitsOwnCount() {
        Encoding reference = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        String[] words = {
            "the",
            "The",
            "quarterly",
            "numbers",
            "region",
            "don't",
            "WE'LL",
            "HTTPServer",
            "12345",
            "3.14",
            " ",
            "  ",
            "\n",
            "\r\n",
            "\t",
            "...",
            "/",
            "(",
            ")",
            "\"",
            "'s",
            "e-mail",
            "x",
            "Summarise",
            "churn",
            "fell;",
            "a",
            "b",
            "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
            "!!!",
            "#"
        };
        Random random = new Random(7);
        for (int round = 0; round < 5_000; round++) {
            StringBuilder b = new StringBuilder();
            int n = random.nextInt(30);
            for (int i = 0; i < n; i++) {
                b.append(words[random.nextInt(words.length)]);
                if (random.nextInt(3) > 0) {
                    b.append(' ');
                }
                if (random.nextInt(10) == 0) {
                    b.append((char) random.nextInt(0x80));
                }
            }
            String text = b.toString();
            assertThat(TokenCounter.count("gpt-4.1-mini", text))
                    .as(text)
                    .isEqualTo(reference.countTokensOrdinary(text));
            // A second count is served from the remembered pieces and must not change.
            assertThat(TokenCounter.count("gpt-5", text)).as(text).isEqualTo(reference.countTokensOrdinary(text));
        }
    }

    @Test
    void count_nonAsciiText_isJtokkitsCount() {
        Encoding reference = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
        for (String text : new String[] {"café au lait", "日本語のテキスト", "naïve 's", "emoji 😀 here", "Ünïcödé WE'LL"}) {
            assertThat(TokenCounter.count("gpt-4o", text)).as(text).isEqualTo(reference.countTokensOrdinary(text));
        }
    }
}
