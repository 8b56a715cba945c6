package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import dev.keel.config.KeelConfig;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.idempotency.ExactlyOnceToolExecutor;
import dev.keel.core.idempotency.IdempotencyKey;
import dev.keel.core.idempotency.IdempotencyStore;
import dev.keel.core.idempotency.MemoryIdempotencyStore;
import dev.keel.openai.KeelOpenAI;
import dev.keel.store.jdbc.JdbcIdempotencyStore;
import dev.keel.store.redis.RedisIdempotencyStore;
import io.lettuce.core.RedisClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.StringRedisTemplate;

/** The auto-configuration's conditions: what it builds from properties, and what it leaves to the application. */
class KeelAutoConfigurationTest {

    private static final String[] UPSTREAM = {
        "keel.upstream.api-key=sk-test-123456", "keel.upstream.base-url=http://127.0.0.1:9/v1"
    };

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class))
            .withPropertyValues(UPSTREAM);

    @Test
    void fromProperties_everyBeanIsBuilt_andConfiguredByTheKeelKeys() {
        runner.withPropertyValues(
                        "keel.retry.max-attempts=2",
                        "keel.traffic.online.in-flight=7",
                        "keel.traffic.batch.in-flight=3",
                        "keel.timeouts.business=40s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context)
                            .hasSingleBean(KeelConfig.class)
                            .hasSingleBean(KeelClients.class)
                            .hasSingleBean(KeelClient.class)
                            .hasSingleBean(IdempotencyStore.class)
                            .hasSingleBean(ExactlyOnceToolExecutor.class)
                            .hasSingleBean(KeelShutdown.class)
                            .hasSingleBean(OpenAIClient.class)
                            .hasSingleBean(KeelHealthIndicator.class)
                            .hasSingleBean(KeelConfigEndpoint.class);
                    KeelClients clients = context.getBean(KeelClients.class);
                    assertThat(context.getBean(KeelClient.class)).isSameAs(clients.online());
                    KeelClientConfig online = clients.online().config();
                    KeelClientConfig batch = clients.batch().config();
                    assertThat(online.retry().maxAttempts()).isEqualTo(2);
                    assertThat(online.inFlightLimit()).isEqualTo(7);
                    assertThat(online.trafficClass()).isEqualTo(TrafficClass.ONLINE);
                    assertThat(batch.inFlightLimit()).isEqualTo(3);
                    assertThat(batch.trafficClass()).isEqualTo(TrafficClass.BATCH);
                    assertThat(online.businessTimeout()).isEqualTo(Duration.ofSeconds(40));
                    assertThat(online.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:9/v1"));
                    assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(MemoryIdempotencyStore.class);
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        static final KeelClient CLIENT = KeelClient.builder(
                        KeelClientConfig.builder("sk-own", URI.create("http://127.0.0.1:9/v1"))
                                .build())
                .build();
        static final IdempotencyStore STORE = new MemoryIdempotencyStore(InstantSource.system());

        @Bean
        KeelClient myKeel() {
            return CLIENT;
        }

        @Bean
        IdempotencyStore myStore() {
            return STORE;
        }
    }

    @Test
    void theApplicationsBeans_winOverTheAutoConfiguredOnes() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(KeelClient.class)).isSameAs(OwnBeans.CLIENT);
            assertThat(context.getBean(IdempotencyStore.class)).isSameAs(OwnBeans.STORE);
            // the SDK client sits on the application's keel client
            assertThat(context).hasSingleBean(OpenAIClient.class);
        });
    }

    @Test
    void withoutTheOpenAiAdapter_noSdkClient_andWithoutBootHealth_noIndicator() {
        runner.withClassLoader(new FilteredClassLoader(KeelOpenAI.class)).run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(OpenAIClient.class);
            assertThat(context).hasSingleBean(KeelClient.class);
        });
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(KeelHealthIndicator.class));
    }

    @Test
    void aBadValue_failsStartUp_namingThePropertyAndTheRule() {
        runner.withPropertyValues("keel.retry.max-attempts=0").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("(keel.retry.max-attempts): retry.max-attempts: must be between 1 and")
                    .contains("was 0");
        });
    }

    @Test
    void anUnknownKey_failsStartUp_withADidYouMean() {
        runner.withPropertyValues("keel.retry.max-atempts=2").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("(keel.retry.max-atempts): retry.max-atempts: unknown key; did you mean"
                            + " 'retry.max-attempts'?");
        });
    }

    @Test
    void noApiKey_failsStartUp_sayingWhichKeyToSet() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KeelAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure())).contains("upstream.api-key");
                });
    }

    @Test
    void jdbcStore_isBuiltOnTheApplicationsDataSource(@TempDir Path tmp) {
        String url = "jdbc:sqlite:" + tmp.resolve("app.db");
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues("spring.datasource.url=" + url, "keel.idempotency.store=" + url)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IdempotencyStore store = context.getBean(IdempotencyStore.class);
                    assertThat(store).isInstanceOf(JdbcIdempotencyStore.class);
                    var key = IdempotencyKey.of("acme", "boot", "order-1", "charge");
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isInstanceOf(IdempotencyStore.Claim.Acquired.class);
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isInstanceOf(IdempotencyStore.Claim.InProgress.class);
                });
    }

    @Test
    void jdbcStore_withoutADataSource_failsNamingTheKey(@TempDir Path tmp) {
        runner.withPropertyValues("keel.idempotency.store=jdbc:sqlite:" + tmp.resolve("x.db"))
                .run(context -> {
                    assertThat(context).hasFailed();
                    assertThat(rootMessage(context.getStartupFailure()))
                            .contains("idempotency.store")
                            .contains("no single DataSource");
                });
    }

    @Test
    void redisStore_isBuiltFromTheRedisUrl_onTheMachinesRedis() {
        runner.withPropertyValues("keel.idempotency.store=redis://127.0.0.1:6379")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IdempotencyStore store = context.getBean(IdempotencyStore.class);
                    var key = IdempotencyKey.of("acme", "boot", "order-" + System.nanoTime(), "charge");
                    var claim = (IdempotencyStore.Claim.Acquired) store.claim(key, Duration.ofMinutes(1));
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isInstanceOf(IdempotencyStore.Claim.InProgress.class);
                    store.release(key, claim.token());
                });
    }

    @Test
    void redisStore_onTheApplicationsSpringDataRedis_reusesItsConnectionFactory() {
        runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
                .withPropertyValues("spring.data.redis.url=redis://127.0.0.1:6379", "keel.idempotency.store=redis")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IdempotencyStore store = context.getBean(IdempotencyStore.class);
                    // on the application's factory: no client or connection of keel's own to close
                    assertThat(store).isInstanceOf(RedisIdempotencyStore.class);
                    var key = IdempotencyKey.of("acme", "boot", "order-" + System.nanoTime(), "charge");
                    var claim = (IdempotencyStore.Claim.Acquired) store.claim(key, Duration.ofMinutes(1));
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isInstanceOf(IdempotencyStore.Claim.InProgress.class);
                    // the record is in the application's Redis, under keel's prefix
                    var template = context.getBean(StringRedisTemplate.class);
                    assertThat(template.opsForValue().get("keel:" + key.value()))
                            .startsWith("PENDING|");
                    assertThat(store.complete(key, claim.token(), "{\"ok\":true}", Duration.ofMinutes(1)))
                            .isTrue();
                    assertThat(store.complete(key, "someone-else", "{}", Duration.ofMinutes(1)))
                            .isFalse();
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isEqualTo(new IdempotencyStore.Claim.Done(
                                    IdempotencyStore.hash("{\"ok\":true}"), "{\"ok\":true}"));
                    template.delete("keel:" + key.value());
                });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnLettuceClient {
        @Bean(destroyMethod = "shutdown")
        RedisClient appRedis() {
            return RedisClient.create("redis://127.0.0.1:6379");
        }
    }

    @Test
    void redisStore_onTheApplicationsLettuceClient_opensOneConnectionOnIt_andLeavesTheClientOpen() {
        RedisClient[] app = new RedisClient[1];
        runner.withUserConfiguration(OwnLettuceClient.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
                .withPropertyValues("keel.idempotency.store=redis")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    IdempotencyStore store = context.getBean(IdempotencyStore.class);
                    assertThat(store).isInstanceOf(Stores.ClosingRedisStore.class);
                    assertThat(((Stores.ClosingRedisStore) store).ownsClient()).isFalse();
                    var key = IdempotencyKey.of("acme", "boot", "order-" + System.nanoTime(), "charge");
                    var claim = (IdempotencyStore.Claim.Acquired) store.claim(key, Duration.ofMinutes(1));
                    store.release(key, claim.token());
                    assertThat(store.claim(key, Duration.ofMinutes(1)))
                            .isInstanceOf(IdempotencyStore.Claim.Acquired.class);
                    app[0] = context.getBean(RedisClient.class);
                    ((Stores.ClosingRedisStore) store).close();
                    // keel closed its connection only: the application's client still connects
                    try (var c = app[0].connect()) {
                        assertThat(c.sync().ping()).isEqualTo("PONG");
                    }
                });
    }

    @Test
    void redisStore_withoutAnApplicationRedis_failsNamingTheKeyAndWhatToAdd() {
        runner.withPropertyValues("keel.idempotency.store=redis").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("idempotency.store: is redis (the application's own Redis connection) but the"
                            + " application has no single RedisConnectionFactory or Lettuce RedisClient bean");
        });
    }

    @Test
    void jdbcStore_spelledJdbc_isBuiltOnTheApplicationsDataSource(@TempDir Path tmp) {
        runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
                .withPropertyValues(
                        "spring.datasource.url=jdbc:sqlite:" + tmp.resolve("app.db"), "keel.idempotency.store=jdbc")
                .run(context ->
                        assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(JdbcIdempotencyStore.class));
        runner.withPropertyValues("keel.idempotency.store=jdbc").run(context -> {
            assertThat(context).hasFailed();
            assertThat(rootMessage(context.getStartupFailure()))
                    .contains("idempotency.store: is jdbc but the application has no single DataSource");
        });
    }

    @Test
    void theSdkClient_isSwitchedOffByItsProperty() {
        runner.withPropertyValues("keel.spring.openai-client.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(OpenAIClient.class));
    }

    private static String rootMessage(Throwable t) {
        var sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
