package dev.keel.core.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

    @Test
    void of_businessFields_formTheKey_withSeparatorsEncoded() {
        assertThat(IdempotencyKey.of("acme", "refund", "order-42", "charge").value())
                .isEqualTo("idem:acme:refund:order-42:charge");
        assertThat(IdempotencyKey.of("a:b", "w", "50%", "s").value()).isEqualTo("idem:a%3Ab:w:50%25:s");
        assertThat(IdempotencyKey.of("t", "w", "1", "s")).isEqualTo(IdempotencyKey.of("t", "w", "1", "s"));
    }

    @Test
    void of_blankPart_isRefusedNamingIt() {
        assertThatThrownBy(() -> IdempotencyKey.of("acme", " ", "1", "s"))
                .hasMessageContaining("'workflow' must not be blank");
    }

    @Test
    void executor_ttlShorterThanTheRetryWindow_isRefused() {
        assertThatThrownBy(() -> new ExactlyOnceToolExecutor(
                        new MemoryIdempotencyStore(new FakeClock()),
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        Duration.ofMillis(10),
                        d -> {}))
                .hasMessageContaining("shorter than the longest retry window");
    }

    @Test
    void memoryStore_expiredPendingKey_canBeClaimedAgain() {
        var clock = new FakeClock();
        var store = new MemoryIdempotencyStore(clock);
        var key = IdempotencyKey.of("t", "w", "1", "s");
        assertThat(store.claim(key, Duration.ofMinutes(15))).isInstanceOf(IdempotencyStore.Claim.Acquired.class);
        assertThat(store.claim(key, Duration.ofMinutes(15))).isInstanceOf(IdempotencyStore.Claim.InProgress.class);
        clock.advance(Duration.ofMinutes(16));
        assertThat(store.claim(key, Duration.ofMinutes(15))).isInstanceOf(IdempotencyStore.Claim.Acquired.class);
    }
}
