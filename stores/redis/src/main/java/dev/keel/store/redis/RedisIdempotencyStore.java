package dev.keel.store.redis;

import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * Idempotency records in Redis, shared by many processes: {@code SET NX PX} for the claim, and
 * compare-and-set scripts so only the owner's token can complete or release. Values are {@code
 * PENDING|token} or {@code DONE|token|hash|result}. The store speaks to Redis through the three
 * {@link Commands} it needs, so it runs on a Lettuce connection ({@link
 * #RedisIdempotencyStore(RedisCommands, String)}) or on any other client the application already has
 * (the Spring Boot starter runs it on the application's {@code RedisConnectionFactory}). Thread-safe
 * when the commands are (Lettuce connections are).
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

    /**
     * The Redis commands the store uses; implement it over the client an application already has.
     * Implementations must be thread-safe.
     */
    public interface Commands {
        /** {@code SET key value NX PX ttlMillis}: true when the key was set. */
        boolean setIfAbsent(String key, String value, long ttlMillis);

        /** {@code GET key}, or null when it does not exist. */
        String get(String key);

        /** {@code EVAL script 1 key args...} for a script that returns an integer. */
        long eval(String script, String key, String... args);
    }

    private static final String COMPLETE = "if redis.call('GET', KEYS[1]) == ARGV[1] then "
            + "redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) return 1 else return 0 end";
    private static final String RELEASE =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then " + "return redis.call('DEL', KEYS[1]) else return 0 end";

    private final Commands redis;
    private final String prefix;

    /**
     * A store on a Lettuce connection's commands.
     *
     * @param prefix prepended to every key, e.g. {@code keel:}
     */
    public RedisIdempotencyStore(RedisCommands<String, String> redis, String prefix) {
        this(lettuce(redis), prefix);
    }

    /**
     * A store on any client's {@code commands}.
     *
     * @param prefix prepended to every key, e.g. {@code keel:}
     */
    public RedisIdempotencyStore(Commands commands, String prefix) {
        this.redis = Objects.requireNonNull(commands, "commands");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    private static Commands lettuce(RedisCommands<String, String> redis) {
        Objects.requireNonNull(redis, "redis");
        return new Commands() {
            @Override
            public boolean setIfAbsent(String key, String value, long ttlMillis) {
                return "OK".equals(redis.set(key, value, SetArgs.Builder.nx().px(ttlMillis)));
            }

            @Override
            public String get(String key) {
                return redis.get(key);
            }

            @Override
            public long eval(String script, String key, String... args) {
                Long r = redis.eval(script, ScriptOutputType.INTEGER, new String[] {key}, args);
                return r == null ? 0 : r;
            }
        };
    }

    @Override
    public Claim claim(IdempotencyKey key, Duration ttl) {
        String token = UUID.randomUUID().toString();
        if (redis.setIfAbsent(prefix + key.value(), "PENDING|" + token, ttl.toMillis())) {
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
        return redis.eval(COMPLETE, prefix + key.value(), "PENDING|" + token, done, String.valueOf(ttl.toMillis()))
                == 1;
    }

    @Override
    public void release(IdempotencyKey key, String token) {
        redis.eval(RELEASE, prefix + key.value(), "PENDING|" + token);
    }
}
