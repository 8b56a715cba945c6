package dev.keel.springboot;

import dev.keel.core.idempotency.IdempotencyStore;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.util.ClassUtils;

/**
 * Finds the application's own Redis connection for {@code keel.idempotency.store=redis}: a Spring
 * Data {@code RedisConnectionFactory} bean first (keel borrows its connections), else a Lettuce
 * {@code RedisClient} bean (keel opens one connection on it). Each type is only touched when its
 * library is on the classpath.
 */
final class AppRedis {

    private static final String SPRING_DATA = "org.springframework.data.redis.connection.RedisConnectionFactory";
    private static final String LETTUCE = "io.lettuce.core.RedisClient";

    private AppRedis() {}

    /** The store on the application's Redis, or null when it has no single such bean. */
    static IdempotencyStore store(BeanFactory beans) {
        ClassLoader loader = beans instanceof ConfigurableBeanFactory c && c.getBeanClassLoader() != null
                ? c.getBeanClassLoader()
                : AppRedis.class.getClassLoader();
        if (ClassUtils.isPresent(SPRING_DATA, loader)) {
            IdempotencyStore s = SpringData.store(beans);
            if (s != null) {
                return s;
            }
        }
        return ClassUtils.isPresent(LETTUCE, loader) ? Lettuce.store(beans) : null;
    }

    private static final class SpringData {
        static IdempotencyStore store(BeanFactory beans) {
            var factory = beans.getBeanProvider(org.springframework.data.redis.connection.RedisConnectionFactory.class)
                    .getIfUnique();
            return factory == null ? null : Stores.redis(factory);
        }
    }

    private static final class Lettuce {
        static IdempotencyStore store(BeanFactory beans) {
            var client =
                    beans.getBeanProvider(io.lettuce.core.RedisClient.class).getIfUnique();
            return client == null ? null : Stores.redis(client);
        }
    }
}
