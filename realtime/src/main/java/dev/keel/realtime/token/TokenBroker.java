package dev.keel.realtime.token;

import dev.keel.realtime.session.RecoveryPlan;
import dev.keel.realtime.session.Scheduler;
import dev.keel.realtime.session.SessionCredentials;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Keeps an ephemeral token fresh for server-side sessions: mints one on first use, replaces it when
 * {@link EphemeralToken#shouldRotate} (30 s or less left), and on a failed rotation counts {@code
 * session_rotate_fail_total} and tells its listeners to reconnect with the {@code token_expired}
 * plan. The token value never appears in its logs or exceptions. Thread-safe.
 */
public final class TokenBroker implements SessionCredentials {

    private final Function<TokenRequest, TokenIssuer.Outcome> source;
    private final TokenRequest request;
    private final InstantSource clock;
    private final Counter rotateFailures;
    private final List<BiConsumer<RecoveryPlan, String>> onRotationFailure = new CopyOnWriteArrayList<>();
    private EphemeralToken current;
    private int issued;

    /**
     * @param source mints a token, usually {@code new TokenIssuer(client)::issue}
     */
    public TokenBroker(
            Function<TokenRequest, TokenIssuer.Outcome> source,
            TokenRequest request,
            InstantSource clock,
            MeterRegistry registry) {
        this.source = source;
        this.request = request;
        this.clock = clock;
        this.rotateFailures = Counter.builder("session_rotate_fail")
                .description("Realtime token rotations that failed")
                .register(registry);
    }

    /** Called with the recovery plan ({@code token_expired}) and the reason when a rotation fails. */
    public void onRotationFailure(BiConsumer<RecoveryPlan, String> listener) {
        onRotationFailure.add(listener);
    }

    /** Whether the current token should be replaced now (true when there is none). */
    public synchronized boolean shouldRotate() {
        return current == null || current.shouldRotate(clock.instant());
    }

    /** The current token, minted or rotated first when due. @throws TokenRotationException when that failed */
    public synchronized EphemeralToken current() {
        if (shouldRotate()) {
            rotate();
        }
        return current;
    }

    /**
     * Mints a new token now.
     *
     * @throws TokenRotationException when the upstream refused or could not be reached; the failure is
     *     counted and the listeners are told
     */
    public synchronized EphemeralToken rotate() {
        String failure = switch (source.apply(request)) {
            case TokenIssuer.Outcome.Issued i -> {
                current = i.token();
                issued++;
                yield null;
            }
            case TokenIssuer.Outcome.UpstreamStatus s ->
                "the upstream answered " + s.status() + ": "
                        + s.body().at("/error/message").asText();
            case TokenIssuer.Outcome.TransportFailure f -> "the upstream could not be reached: " + f.message();
        };
        if (failure != null) {
            rotateFailures.increment();
            String reason = "token rotation failed: " + failure;
            onRotationFailure.forEach(l -> l.accept(RecoveryPlan.forReason(RecoveryPlan.TOKEN_EXPIRED), reason));
            throw new TokenRotationException(reason + "; the session will reconnect with a new token when it can");
        }
        return current;
    }

    /**
     * Keeps the token fresh in the background: rotates at each token's {@code rotate_at}; after a
     * failed rotation (counted, listeners told) tries again {@code retryAfterFailure} later.
     *
     * @return a handle that stops it
     */
    public AutoCloseable keepFresh(Scheduler scheduler, Duration retryAfterFailure) {
        var stopped = new java.util.concurrent.atomic.AtomicBoolean();
        var next = new java.util.concurrent.atomic.AtomicReference<AutoCloseable>();
        Runnable[] cycle = new Runnable[1];
        cycle[0] = () -> {
            if (stopped.get()) {
                return;
            }
            Duration wait;
            try {
                EphemeralToken t = current();
                wait = Duration.between(clock.instant(), t.rotateAt());
                if (wait.isNegative() || wait.isZero()) {
                    wait = Duration.between(clock.instant(), rotate().rotateAt());
                }
            } catch (TokenRotationException e) {
                wait = retryAfterFailure;
            }
            // the rotation is a network call: run it on its own virtual thread, not the scheduler's
            next.set(scheduler.schedule(
                    wait.isNegative() ? Duration.ZERO : wait,
                    () -> Thread.ofVirtual().start(cycle[0])));
        };
        cycle[0].run();
        return () -> {
            stopped.set(true);
            AutoCloseable n = next.get();
            if (n != null) {
                n.close();
            }
        };
    }

    /** Tokens minted so far. */
    public synchronized int issuedCount() {
        return issued;
    }

    @Override
    public String bearer() {
        return current().value();
    }

    @Override
    public boolean nearExpiry(Instant now) {
        synchronized (this) {
            return current == null || current.shouldRotate(now);
        }
    }

    @Override
    public void reissue() {
        rotate();
    }
}
