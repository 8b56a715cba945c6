package dev.keel.springboot;

import dev.keel.config.ConfigException;
import dev.keel.config.ConfigProblem;
import dev.keel.config.IdempotencySettings;
import dev.keel.config.KeelConfig;
import dev.keel.config.Origin;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.core.time.Sleeper;
import dev.keel.core.trace.KeelTracing;
import dev.keel.wire.time.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * keel's beans, each built from the one configuration model bound from {@code keel.*} properties,
 * and each left out when the application declares its own bean of that type: {@link KeelConfig},
 * {@link KeelClients} (one client per traffic class) and the online {@link KeelClient}, the {@link
 * IdempotencyStore} ({@code keel.idempotency.store}: {@code memory}; {@code jdbc} or a JDBC URL, built
 * on the application's {@link DataSource}; {@code redis}, on the application's own Redis connection
 * (a Spring Data {@code RedisConnectionFactory} or a Lettuce {@code RedisClient} bean); a Redis URL,
 * on a Lettuce connection of its own, closed with the context), the {@link ExactlyOnceToolExecutor},
 * {@link KeelShutdown}, and the official SDK's {@code OpenAIClient} on keel ({@code
 * keel.spring.openai-client.enabled}). When the application has an {@link OpenTelemetry} bean, both
 * clients trace their calls into it ({@code keel.spring.tracing.enabled}). keel's meters go to the application's {@link MeterRegistry}
 * when it has one. The structured, batch and realtime beans have auto-configurations of their own
 * ({@link KeelStructuredAutoConfiguration}, {@link KeelBatchAutoConfiguration}, {@link
 * KeelRealtimeAutoConfiguration}).
 */
@AutoConfiguration(
        afterName = {
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"
        })
public class KeelAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public KeelConfig keelConfig(ConfigurableEnvironment environment) {
        return SpringKeelConfig.resolve(environment);
    }

    @Bean
    @ConditionalOnMissingBean
    public KeelClients keelClients(
            KeelConfig config, ObjectProvider<MeterRegistry> registry, ObjectProvider<OpenTelemetry> openTelemetry) {
        MeterRegistry meters = registry.getIfAvailable();
        OpenTelemetry otel = config.get(Settings.SPRING_TRACING) ? openTelemetry.getIfUnique() : null;
        KeelClient online = client(config, TrafficClass.ONLINE, meters, otel);
        try {
            return new KeelClients(online, client(config, TrafficClass.BATCH, meters, otel));
        } catch (RuntimeException e) {
            online.close();
            throw e;
        }
    }

    private static KeelClient client(
            KeelConfig config, TrafficClass traffic, MeterRegistry meters, OpenTelemetry otel) {
        var clientConfig = config.clientConfig(traffic).build();
        var builder = KeelClient.builder(clientConfig);
        if (meters != null) {
            builder.meterRegistry(meters);
        }
        if (otel != null) {
            // a span per call and per attempt, children of the caller's current span (docs/observability.md)
            builder.listener(KeelTracing.listener(otel, clientConfig.baseUrl()));
        }
        return builder.build();
    }

    /** The online client; closed with {@link KeelClients}, not on its own. */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public KeelClient keelClient(KeelClients clients) {
        return clients.online();
    }

    @Bean
    @ConditionalOnMissingBean
    public IdempotencyStore keelIdempotencyStore(
            KeelConfig config, ObjectProvider<DataSource> dataSource, BeanFactory beans) {
        IdempotencySettings s = config.idempotency();
        return switch (s.kind()) {
            case MEMORY -> new MemoryIdempotencyStore(InstantSource.system());
            case JDBC -> {
                requireClass("dev.keel.store.jdbc.JdbcIdempotencyStore", "keel-store-jdbc", config);
                DataSource ds = dataSource.getIfUnique();
                if (ds == null) {
                    throw problem(
                            config,
                            "is " + (s.url() == null ? "jdbc" : "a JDBC URL (" + s.redactedUrl() + ")")
                                    + " but the application has no single DataSource"
                                    + " bean: add spring-boot-starter-jdbc with spring.datasource.url, or declare"
                                    + " your own IdempotencyStore bean");
                }
                yield Stores.jdbc(ds);
            }
            case REDIS -> {
                requireClass("dev.keel.store.redis.RedisIdempotencyStore", "keel-store-redis", config);
                if (s.url() != null) {
                    yield Stores.redis(s.url());
                }
                IdempotencyStore onApp = AppRedis.store(beans);
                if (onApp == null) {
                    throw problem(
                            config,
                            "is redis (the application's own Redis connection) but the application has no single"
                                    + " RedisConnectionFactory or Lettuce RedisClient bean: add"
                                    + " spring-boot-starter-data-redis with spring.data.redis.url, set a Redis URL"
                                    + " (redis://HOST:6379), or declare your own IdempotencyStore bean");
                }
                yield onApp;
            }
        };
    }

    private static void requireClass(String className, String artifact, KeelConfig config) {
        if (!ClassUtils.isPresent(className, KeelAutoConfiguration.class.getClassLoader())) {
            throw problem(config, "needs dev.keel:" + artifact + " on the classpath: add it to your build");
        }
    }

    private static ConfigException problem(KeelConfig config, String message) {
        Origin origin = config.origin(Settings.IDEMPOTENCY_STORE);
        return new ConfigException(List.of(new ConfigProblem(origin, Settings.IDEMPOTENCY_STORE.key(), message)));
    }

    @Bean
    @ConditionalOnMissingBean
    public ExactlyOnceToolExecutor keelToolExecutor(
            IdempotencyStore store, KeelConfig config, ObjectProvider<MeterRegistry> registry) {
        var executor = new ExactlyOnceToolExecutor(
                store,
                config.idempotency().ttl(),
                config.get(Settings.BUSINESS_TIMEOUT),
                Duration.ofMillis(50),
                Sleeper.SYSTEM);
        MeterRegistry meters = registry.getIfAvailable();
        return meters != null ? executor.bindTo(meters) : executor;
    }

    @Bean
    @ConditionalOnMissingBean
    public KeelShutdown keelShutdown(KeelClients clients, KeelConfig config) {
        return new KeelShutdown(clients, config.get(Settings.BUSINESS_TIMEOUT), Sleeper.SYSTEM, Ticker.SYSTEM);
    }

    /** The official SDK on keel, when keel-openai-java is on the classpath. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.keel.openai.KeelOpenAI", "com.openai.client.OpenAIClient"})
    @ConditionalOnBooleanProperty(name = "keel.spring.openai-client.enabled", matchIfMissing = true)
    static class OpenAi {
        /** On the online client; keel's client is closed by keel, not by the SDK wrapper. */
        @Bean(destroyMethod = "")
        @ConditionalOnMissingBean
        com.openai.client.OpenAIClient keelOpenAIClient(KeelClient keel) {
            return dev.keel.openai.KeelOpenAI.client(keel);
        }
    }

    /** The {@code keel} health component, when the application has Boot's health module. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "keelHealthIndicator")
        KeelHealthIndicator keelHealthIndicator(KeelClients clients) {
            return new KeelHealthIndicator(clients);
        }
    }

    /** {@code /actuator/keel}, the effective configuration, when the application has Actuator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
    static class ConfigEndpoint {
        @Bean
        @ConditionalOnMissingBean
        KeelConfigEndpoint keelConfigEndpoint(KeelConfig config) {
            return new KeelConfigEndpoint(config);
        }
    }
}
