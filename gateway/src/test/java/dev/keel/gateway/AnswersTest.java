package dev.keel.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code x-keel-overhead-ms}: milliseconds with three decimals, as {@code %.3f} writes them. */
class AnswersTest {

    @Test
    void millis_writesThreeDecimalsRoundedHalfUp_asFormatWould() {
        assertThat(Answers.millis(0)).isEqualTo("0.000");
        assertThat(Answers.millis(499)).isEqualTo("0.000");
        assertThat(Answers.millis(500)).isEqualTo("0.001");
        assertThat(Answers.millis(54_321)).isEqualTo("0.054");
        assertThat(Answers.millis(1_234_567)).isEqualTo("1.235");
        assertThat(Answers.millis(12_005_000)).isEqualTo("12.005");
        assertThat(Answers.millis(5_000_000_000L)).isEqualTo("5000.000");
        var random = new SplittableRandom(19);
        for (int i = 0; i < 10_000; i++) {
            long nanos = random.nextLong(0, 100_000_000_000L);
            // Away from the exact half, where the double of %.3f and the integer rounding may differ.
            if (nanos % 1000 == 500) {
                continue;
            }
            assertThat(Answers.millis(nanos))
                    .as("%d ns", nanos)
                    .isEqualTo(String.format(Locale.ROOT, "%.3f", nanos / 1_000_000.0));
        }
    }
}
