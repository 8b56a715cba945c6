package dev.keel.gateway;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.keel.wire.time.Ticker;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import java.time.Duration;

/**
 * Per-key requests/min and tokens/min as Bucket4j token buckets (capacity = the limit, refilled
 * greedily over a minute): in this process's memory, or in Redis so several gateway processes share
 * one bucket per key ({@link #redis}). Thread-safe.
 */
public final class RateLimits implements AutoCloseable {

    private final Buckets buckets;

    /** Where buckets live. */
    interface Buckets extends AutoCloseable {
        Bucket bucket(String name, BucketConfiguration config);

        @Override
        default void close() {}
    }

    private RateLimits(Buckets buckets) {
        this.buckets = buckets;
    }

    /** Buckets in this process, timed by {@code ticker}; idle ones are dropped after 10 minutes. */
    public static RateLimits local(Ticker ticker) {
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        Cache<String, Bucket> cache = Caffeine.newBuilder()
                .expireAfterAccess(Duration.ofMinutes(10))
                .maximumSize(1_000_000)
                .build();
        return new RateLimits((name, config) -> cache.get(
                name,
                n -> Bucket.builder()
                        .withCustomTimePrecision(meter)
                        .addLimit(config.getBandwidths()[0])
                        .build()));
    }

    /**
     * Buckets in Redis under {@code prefix}, shared by every gateway process on that Redis (Bucket4j's
     * compare-and-swap proxy); a bucket expires once it would be full again.
     */
    public static RateLimits redis(RedisClient client, String prefix) {
        var connection = client.connect(io.lettuce.core.codec.RedisCodec.of(
                io.lettuce.core.codec.StringCodec.UTF8, io.lettuce.core.codec.ByteArrayCodec.INSTANCE));
        ProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(connection)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                .build();
        return new RateLimits(new Buckets() {
            @Override
            public Bucket bucket(String name, BucketConfiguration config) {
                return proxies.builder().build(prefix + name, () -> config);
            }

            @Override
            public void close() {
                connection.close();
            }
        });
    }

    /** Takes one request from the key's bucket; null when allowed, else the refusal. */
    Refusal takeRequest(GatewayKey key) {
        int limit = key.limits().requestsPerMinute();
        if (limit == 0) {
            return null;
        }
        ConsumptionProbe p = bucket(key, "rpm", limit).tryConsumeAndReturnRemaining(1);
        return p.isConsumed()
                ? null
                : Refusal.rateLimited(limit + " requests per minute", Duration.ofNanos(p.getNanosToWaitForRefill()));
    }

    /** Takes {@code tokens} from the key's tokens/min bucket; null when allowed, else the refusal. */
    Refusal takeTokens(GatewayKey key, long tokens) {
        long limit = key.limits().tokensPerMinute();
        if (limit == 0 || tokens == 0) {
            return null;
        }
        if (tokens > limit) {
            return Refusal.badRequest(
                    "keel_tokens_exceed_limit",
                    "This request may use " + tokens + " tokens (input + output bound), more than the gateway key's"
                            + " limit of " + limit + " tokens per minute; lower max_output_tokens or the input.");
        }
        ConsumptionProbe p = bucket(key, "tpm", limit).tryConsumeAndReturnRemaining(tokens);
        return p.isConsumed()
                ? null
                : Refusal.rateLimited(limit + " tokens per minute", Duration.ofNanos(p.getNanosToWaitForRefill()));
    }

    /** Gives back tokens taken for the worst case that the call did not use. */
    void giveBack(GatewayKey key, long tokens) {
        long limit = key.limits().tokensPerMinute();
        if (limit > 0 && tokens > 0) {
            bucket(key, "tpm", limit).addTokens(tokens);
        }
    }

    /**
     * A key's bucket of one kind, resolved once per key object (a reloaded keys file makes new key
     * objects, so a changed limit gets its bucket); compared by identity, which is cheaper per call
     * than hashing every field of the key.
     */
    private record BucketId(GatewayKey key, String kind) {
        @Override
        public boolean equals(Object o) {
            return o instanceof BucketId b && b.key == key && b.kind.equals(kind);
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(key) * 31 + kind.hashCode();
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<BucketId, Bucket> resolved =
            new java.util.concurrent.ConcurrentHashMap<>();

    private Bucket bucket(GatewayKey key, String kind, long perMinute) {
        return resolved.computeIfAbsent(new BucketId(key, kind), id -> {
            var config = BucketConfiguration.builder()
                    .addLimit(l -> l.capacity(perMinute).refillGreedy(perMinute, Duration.ofMinutes(1)))
                    .build();
            return buckets.bucket(key.id() + ":" + kind + ":" + perMinute, config);
        });
    }

    @Override
    public void close() {
        try {
            buckets.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the rate-limit store failed: " + e.getMessage(), e);
        }
    }
}
