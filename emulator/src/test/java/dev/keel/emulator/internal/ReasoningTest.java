package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReasoningTest {

    @ParameterizedTest(name = "{0} reasons: {1}")
    @CsvSource({
        "gpt-5, true",
        "gpt-5-mini, true",
        "gpt-5-nano-2025-08-07, true",
        "gpt-5.1, true",
        "gpt-5-codex, true",
        "o1, true",
        "o3, true",
        "o3-mini, true",
        "o4-mini, true",
        "ft:o4-mini-2025-04-16:acme::abc123, true",
        "gpt-5-chat-latest, false",
        "gpt-4.1-mini, false",
        "gpt-4o, false",
        "ft:gpt-4o-mini:acme::abc123, false",
        "omni-moderation-latest, false",
        "text-embedding-3-small, false"
    })
    void isReasoningModel_byFamily(String model, boolean reasons) {
        assertThat(Reasoning.isReasoningModel(model)).isEqualTo(reasons);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"minimal, 16, 24", "low, 64, 96", "medium, 192, 288", "high, 512, 768"})
    void tokens_perEffort_stayWithinTheirBand(String effort, int min, int max) {
        for (long seed = -50; seed < 50; seed++) {
            assertThat(Reasoning.tokens(effort, seed * 7919)).isBetween(min, max);
        }
        assertThat(Reasoning.tokens("none", 42)).isZero();
    }
}
