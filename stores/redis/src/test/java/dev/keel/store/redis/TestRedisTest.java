package dev.keel.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Redis fixture isolates each test on the real server and leaves nothing behind. */
class TestRedisTest {

    @Test
    void redis_keysUnderThePrefixAreDeletedOnClose() {
        String key;
        try (var redis = TestRedis.withFreshPrefix();
                var other = TestRedis.withFreshPrefix()) {
            assertThat(redis.prefix()).isNotEqualTo(other.prefix());
            key = redis.prefix() + "k";
            redis.commands().set(key, "v");
            other.commands().set(other.prefix() + "k", "w");
            assertThat(redis.commands().get(key)).isEqualTo("v");
        }
        try (var check = TestRedis.withFreshPrefix()) {
            assertThat(check.commands().exists(key)).isZero();
        }
    }
}
