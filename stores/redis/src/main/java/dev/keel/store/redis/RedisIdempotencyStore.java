package dev.keel.store.redis;

import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;

/**
 * Idempotency records in Redis, shared by many processes: {@code SET NX PX} for the claim, and
 * compare-and-set scripts so only the owner's token can complete or release. Values are {@code
 * PENDING|token} or {@code DONE|token|hash|result}. Thread-safe (Lettuce connections are).
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    private static final String COMPLETE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) else return false end";
    private static final String RELEASE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then " + "return redis.call('DEL', KEYS[1]) else return 0 end";

    private final RedisCommands<String, String> redis;
    private final String prefix;

    /** @param prefix prepended to every key, e.g. {@code keel:} */
    public RedisIdempotencyStore(RedisCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public Claim claim(IdempotencyKey key, Duration ttl) {
        String token = UUID.randomUUID().toString();
        String ok = redis.set(
                prefix + key.value(), "PENDING|" + token, SetArgs.Builder.nx().px(ttl.toMillis()));
        if ("OK".equals(ok)) {
            return new Claim.Acquired(token);
        }
        String value = redis.get(prefix + key.value());
        if (value == null || value.startsWith("PENDING|")) {
            return new Claim.InProgress();
        }
        String[] parts = value.split("\\|", 4);
        return new Claim.Done(parts[2], parts[3]);
    }

    @Override
    public boolean complete(IdempotencyKey key, String token, String result, Duration ttl) {
        String done = "DONE|" + token + "|" + IdempotencyStore.hash(result) + "|" + result;
        Object r = redis.eval(
                COMPLETE,
                ScriptOutputType.STATUS,
                new String[] {prefix + key.value()},
                "PENDING|" + token,
                done,
                String.valueOf(ttl.toMillis()));
        return "OK".equals(r);
    }

    @Override
    public void release(IdempotencyKey key, String token) {
        redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {prefix + key.value()}, "PENDING|" + token);
    }
}
