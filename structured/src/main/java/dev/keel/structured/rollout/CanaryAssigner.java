package dev.keel.structured.rollout;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Sticky canary assignment: a routing key's bucket is SHA-256({@code salt:key}) mod 100, and the key
 * is in the canary when its bucket is below the percent. The same key always lands in the same
 * bucket, so raising the percent only adds keys; 0 % takes none and 100 % takes all. The salt (the
 * schema and the version under rollout) gives each rollout its own population. Stateless and
 * thread-safe.
 */
public final class CanaryAssigner {

    private CanaryAssigner() {}

    /** The key's bucket, 0–99. */
    public static int bucket(String salt, String routingKey) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((salt + ":" + routingKey).getBytes(StandardCharsets.UTF_8));
            return (int) Math.floorMod(ByteBuffer.wrap(h).getLong(), 100L);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Whether the key is in a canary of {@code percent} (0–100). */
    public static boolean inCanary(String salt, String routingKey, int percent) {
        return bucket(salt, routingKey) < percent;
    }
}
