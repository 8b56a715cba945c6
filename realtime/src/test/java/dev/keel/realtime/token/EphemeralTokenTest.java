package dev.keel.realtime.token;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EphemeralTokenTest {

    @Test
    void shouldRotate_a300sToken_isFalseAt269sAndTrueFrom270s() {
        var clock = new FakeClock();
        var token = EphemeralToken.of("ek_test", clock.instant().plusSeconds(300));
        clock.advance(Duration.ofSeconds(269));
        assertThat(token.shouldRotate(clock.instant())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(token.shouldRotate(clock.instant())).isTrue();
        clock.advance(Duration.ofSeconds(1));
        assertThat(token.shouldRotate(clock.instant())).isTrue();
        assertThat(token.rotateAt()).isEqualTo(token.expiresAt().minusSeconds(30));
    }

    @Test
    void toString_neverShowsTheValue() {
        var token = EphemeralToken.of("ek_secret_value_123", new FakeClock().instant());
        assertThat(token.toString()).doesNotContain("ek_secret_value_123").contains("<redacted>");
    }

    @Test
    void of_withARotationLead_rotatesThatLongBeforeExpiry() {
        var clock = new FakeClock();
        var token = EphemeralToken.of("ek_test", clock.instant().plusSeconds(300), Duration.ofSeconds(60));
        assertThat(token.rotateAt()).isEqualTo(token.expiresAt().minusSeconds(60));
        clock.advance(Duration.ofSeconds(239));
        assertThat(token.shouldRotate(clock.instant())).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(token.shouldRotate(clock.instant())).isTrue();
    }
}
