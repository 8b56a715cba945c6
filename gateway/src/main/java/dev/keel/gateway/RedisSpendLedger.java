package dev.keel.gateway;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;

/**
 * Spend counters in Redis, shared by every gateway process on it: one Lua script checks every
 * period's counter against its cap and adds to all of them, or to none, atomically. Keys are {@code
 * <prefix>spend:<key id>:<period>} and expire after their period. Thread-safe.
 */
public final class RedisSpendLedger implements SpendLedger {

    private static final String RESERVE = "local n = tonumber(ARGV[1]) "
            + "for i, k in ipairs(KEYS) do "
            + "  if (tonumber(redis.call('GET', k) or '0') + n) > tonumber(ARGV[1 + i]) then return 0 end "
            + "end "
            + "for i, k in ipairs(KEYS) do "
            + "  redis.call('INCRBY', k, n) redis.call('EXPIRE', k, ARGV[1 + #KEYS + i]) "
            + "end "
            + "return 1";

    private static final String ADJUST = "for i, k in ipairs(KEYS) do "
            + "  redis.call('INCRBY', k, ARGV[1]) redis.call('EXPIRE', k, ARGV[1 + i]) "
            + "end return 1";

    private final RedisCommands<String, String> redis;
    private final String prefix;

    /** @param prefix prepended to every key, e.g. {@code keel:gw:} */
    public RedisSpendLedger(RedisCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    @Override
    public boolean reserve(String keyId, List<Period> periods, long nanos) {
        String[] keys = keys(keyId, periods);
        String[] args = new String[1 + 2 * periods.size()];
        args[0] = Long.toString(nanos);
        for (int i = 0; i < periods.size(); i++) {
            args[1 + i] = Long.toString(periods.get(i).capNanos());
            args[1 + periods.size() + i] = Long.toString(periods.get(i).ttlSeconds());
        }
        Long ok = redis.eval(RESERVE, ScriptOutputType.INTEGER, keys, args);
        return ok != null && ok == 1L;
    }

    @Override
    public void adjust(String keyId, List<Period> periods, long deltaNanos) {
        String[] args = new String[1 + periods.size()];
        args[0] = Long.toString(deltaNanos);
        for (int i = 0; i < periods.size(); i++) {
            args[1 + i] = Long.toString(periods.get(i).ttlSeconds());
        }
        redis.eval(ADJUST, ScriptOutputType.INTEGER, keys(keyId, periods), args);
    }

    @Override
    public long spent(String keyId, String period) {
        String v = redis.get(prefix + "spend:" + keyId + ":" + period);
        return v == null ? 0 : Long.parseLong(v);
    }

    private String[] keys(String keyId, List<Period> periods) {
        String[] keys = new String[periods.size()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = prefix + "spend:" + keyId + ":" + periods.get(i).name();
        }
        return keys;
    }
}
