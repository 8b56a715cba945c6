package dev.keel.emulator.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.emulator.fault.FaultEffect.BatchDefect;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FaultSpecTest {

    @Test
    void parse_everyForm_givesTheMatchingEffect() {
        assertThat(FaultSpec.parse("ok")).isEqualTo(new FaultEffect.None());
        assertThat(FaultSpec.parse("status:503")).isEqualTo(new FaultEffect.Status(503, null, null));
        assertThat(FaultSpec.parse("status:429,retry-after:2"))
                .isEqualTo(new FaultEffect.Status(429, Duration.ofSeconds(2), null));
        assertThat(FaultSpec.parse("status:429,retry-after-ms:1500,code:insufficient_quota"))
                .isEqualTo(new FaultEffect.Status(429, Duration.ofMillis(1500), "insufficient_quota"));
        assertThat(FaultSpec.parse("latency:250ms"))
                .isEqualTo(new FaultEffect.Latency(Duration.ofMillis(250), Duration.ofMillis(250)));
        assertThat(FaultSpec.parse("latency:100ms..2s"))
                .isEqualTo(new FaultEffect.Latency(Duration.ofMillis(100), Duration.ofSeconds(2)));
        assertThat(FaultSpec.parse("stall")).isEqualTo(new FaultEffect.Stall());
        assertThat(FaultSpec.parse("reset")).isEqualTo(new FaultEffect.Reset());
        assertThat(FaultSpec.parse("malformed")).isEqualTo(new FaultEffect.MalformedBody());
        assertThat(FaultSpec.parse("cut-stream:3")).isEqualTo(new FaultEffect.CutStream(3));
        assertThat(FaultSpec.parse("BAD-SAMPLE:Unknown-Enum"))
                .isEqualTo(new FaultEffect.BadSample(SampleDefect.UNKNOWN_ENUM));
        assertThat(FaultSpec.parse("batch:error-only")).isEqualTo(new FaultEffect.BatchOutcome(BatchDefect.ERROR_ONLY));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "ok",
                "status:500",
                "status:429,retry-after-ms:2000,code:rate_limit_exceeded",
                "latency:5ms",
                "latency:1ms..9ms",
                "stall",
                "reset",
                "malformed",
                "cut-stream:0",
                "bad-sample:invalid-json",
                "bad-sample:incomplete",
                "batch:partial"
            })
    void describe_roundTripsThroughParse(String spec) {
        FaultEffect effect = FaultSpec.parse(spec);
        assertThat(FaultSpec.parse(effect.describe())).isEqualTo(effect);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "boom",
                "status:200",
                "status:abc",
                "status:503,wait:1",
                "latency:fast",
                "latency:2s..1s",
                "cut-stream:-1",
                "bad-sample:rude",
                "batch:lost"
            })
    void parse_invalid_explainsAndListsTheForms(String spec) {
        assertThatThrownBy(() -> FaultSpec.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid fault '" + spec + "'")
                .hasMessageContaining("Use one of: ok, status:CODE");
    }

    @Test
    void parse_aBadNumber_namesThePartAndWhatIsExpected_notJavasMessage() {
        assertThatThrownBy(() -> FaultSpec.parse("cut-stream:abc"))
                .hasMessageContaining("cut-stream:N")
                .hasMessageContaining("'abc' is not a whole number >= 0")
                .hasMessageNotContaining("For input string");
        assertThatThrownBy(() -> FaultSpec.parse("status:5o3"))
                .hasMessageContaining("status:CODE")
                .hasMessageNotContaining("For input string");
        assertThatThrownBy(() -> FaultSpec.parse("status:429,retry-after:NaN"))
                .hasMessageContaining("retry-after, in seconds: 'nan' is not a finite number >= 0");
        assertThatThrownBy(() -> FaultSpec.parse("latency:fastms"))
                .hasMessageContaining("duration 'fastms' in ms")
                .hasMessageNotContaining("For input string");
        assertThatThrownBy(() -> FaultSpec.parse("batch:line-failures:lots"))
                .hasMessageContaining("batch:line-failures:RATE, a fraction 0..1: 'lots'");
    }
}
