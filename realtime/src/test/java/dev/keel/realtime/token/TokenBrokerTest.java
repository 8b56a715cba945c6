package dev.keel.realtime.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.realtime.session.RecoveryPlan;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenBrokerTest {

    private final FakeClock clock = new FakeClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger minted = new AtomicInteger();
    private final AtomicBoolean upstreamDown = new AtomicBoolean();

    private TokenIssuer.Outcome issue(TokenRequest r) {
        if (upstreamDown.get()) {
            return new TokenIssuer.Outcome.TransportFailure("connection refused");
        }
        return new TokenIssuer.Outcome.Issued(
                EphemeralToken.of(
                        "ek_" + minted.incrementAndGet(), clock.instant().plusSeconds(r.expiresAfterSeconds())),
                Json.object());
    }

    private TokenBroker broker() {
        return new TokenBroker(this::issue, TokenRequest.ofDefaults(), clock, registry);
    }

    @Test
    void current_rotatesOnlyOnce30sOrLessRemain() {
        var broker = broker();
        assertThat(broker.current().value()).isEqualTo("ek_1");
        clock.advance(Duration.ofSeconds(269));
        assertThat(broker.shouldRotate()).isFalse();
        assertThat(broker.current().value()).isEqualTo("ek_1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(broker.shouldRotate()).isTrue();
        assertThat(broker.current().value()).isEqualTo("ek_2");
        assertThat(broker.issuedCount()).isEqualTo(2);
    }

    @Test
    void keepFresh_rotatesAtEachRotateAt_andRetriesAfterAFailure() throws Exception {
        var broker = broker();
        List<Object[]> tasks = new ArrayList<>();
        dev.keel.realtime.session.Scheduler scheduler = (delay, task) -> {
            tasks.add(new Object[] {delay, task});
            return () -> {};
        };
        // the scheduled task starts the rotation on a virtual thread; run it and wait for it here
        java.util.function.Consumer<Integer> fire = i -> {
            int before = tasks.size();
            ((Runnable) tasks.get(i)[1]).run();
            org.awaitility.Awaitility.await().until(() -> tasks.size() > before);
        };
        try (var handle = broker.keepFresh(scheduler, Duration.ofSeconds(5))) {
            assertThat(broker.issuedCount()).isEqualTo(1);
            assertThat(tasks.get(0)[0]).isEqualTo(Duration.ofSeconds(270));
            clock.advance(Duration.ofSeconds(270));
            fire.accept(0);
            assertThat(broker.issuedCount()).isEqualTo(2);
            assertThat(tasks.get(1)[0]).isEqualTo(Duration.ofSeconds(270));
            upstreamDown.set(true);
            clock.advance(Duration.ofSeconds(270));
            fire.accept(1);
            assertThat(tasks.get(2)[0]).isEqualTo(Duration.ofSeconds(5));
            assertThat(registry.get("session_rotate_fail").counter().count()).isEqualTo(1);
            assertThat(handle).isNotNull();
        }
    }

    @Test
    void rotate_whenTheUpstreamFails_countsTheFailureAndAsksForTheTokenExpiredPlan() {
        var broker = broker();
        broker.current();
        List<RecoveryPlan> plans = new ArrayList<>();
        broker.onRotationFailure((plan, why) -> plans.add(plan));
        upstreamDown.set(true);
        assertThatThrownBy(broker::rotate)
                .isInstanceOf(TokenRotationException.class)
                .hasMessageContaining("connection refused")
                .message()
                .doesNotContain("ek_1");
        assertThat(registry.get("session_rotate_fail").counter().count()).isEqualTo(1);
        assertThat(plans).containsExactly(RecoveryPlan.forReason(RecoveryPlan.TOKEN_EXPIRED));
        assertThat(plans.get(0).reissueToken()).isTrue();
        assertThat(plans.get(0).replaySummary()).isTrue();
    }
}
