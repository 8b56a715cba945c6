package dev.keel.realtime.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A short-lived Realtime client secret ({@code ek_…}) with when it expires and when to replace it
 * (30 s before). Immutable; {@link #toString()} never shows the value.
 *
 * @param value the secret; send it only to the device it was minted for, never to a log
 * @param expiresAt when the upstream stops accepting it for new sessions
 * @param rotateAt when to mint the next one: {@code expiresAt − 30 s} by default (the rotation lead,
 *     {@code realtime.token.rotation-lead})
 */
public record EphemeralToken(String value, Instant expiresAt, Instant rotateAt) {

    /** How long before expiry a token is replaced (recipe A3: rotate 30 s early). */
    public static final Duration ROTATE_BEFORE = Duration.ofSeconds(30);

    public EphemeralToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(rotateAt, "rotateAt");
    }

    /** A token expiring at {@code expiresAt}, to be rotated 30 s before. */
    public static EphemeralToken of(String value, Instant expiresAt) {
        return new EphemeralToken(value, expiresAt, expiresAt.minus(ROTATE_BEFORE));
    }

    /** Whether a token expiring at {@code expiresAt} should be replaced at {@code now}: 30 s or less remain. */
    public static boolean shouldRotate(Instant expiresAt, Instant now) {
        return Duration.between(now, expiresAt).compareTo(ROTATE_BEFORE) <= 0;
    }

    /** A token expiring at {@code expiresAt}, to be rotated {@code lead} before. */
    public static EphemeralToken of(String value, Instant expiresAt, Duration lead) {
        return new EphemeralToken(value, expiresAt, expiresAt.minus(lead));
    }

    /** Whether this token should be replaced at {@code now}: its {@link #rotateAt()} has come. */
    public boolean shouldRotate(Instant now) {
        return !now.isBefore(rotateAt);
    }

    @Override
    public String toString() {
        return "EphemeralToken[value=<redacted>, expiresAt=" + expiresAt + ", rotateAt=" + rotateAt + "]";
    }
}
