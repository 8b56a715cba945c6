package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.cost.PriceTable;
import dev.keel.core.testing.TestPostgres;
import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import io.lettuce.core.RedisClient;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Spend caps and rate limits under concurrency, on one gateway and on two sharing PostgreSQL or
 * Redis. Two "processes" are two in-process gateways, each with its own server, its own KeelClient
 * (its own connection pool to the emulator) and its own ledger/limit objects and connections to the
 * shared store — only the store is shared, as between two JVMs.
 *
 * <p>Embeddings make the worst case exact: their output bound is 0 and the emulator bills the input
 * tokens the gateway counted, so "the affordable ones" is a number known before the run.
 */
class SpendCapsTest {

    private static final String EMBED = "{\"model\":\"text-embedding-3-small\",\"input\":\"hello world\"}";
    private static final int AFFORDABLE = 50;
    private static Emulator emulator;
    private static long callNanos;

    @BeforeAll
    static void start() {
        emulator = Emulator.start();
        var caps = new SpendCaps(new MemorySpendLedger(), PriceTable.builtIn(), Clock.systemUTC(), 4096);
        callNanos = caps.worstCase("/v1/embeddings", Json.parse(EMBED), true).nanos();
        assertThat(callNanos).isPositive();
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static KeyLimits capFor(int calls) {
        return new KeyLimits(0, 0, 0, SpendCaps.usd(callNanos * calls), null, false);
    }

    /** Sends {@code n} embeddings at once, alternating over {@code gateways}; the answers. */
    private static List<HttpResponse<String>> race(int n, String secret, Gateway... gateways) throws Exception {
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            var calls = new ArrayList<Callable<HttpResponse<String>>>();
            for (int i = 0; i < n; i++) {
                Gateway g = gateways[i % gateways.length];
                calls.add(() -> post(g, "/embeddings", secret, EMBED));
            }
            var out = new ArrayList<HttpResponse<String>>();
            for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private static void assertExactlyTheAffordablePass(
            List<HttpResponse<String>> answers, SpendLedger ledger, String keyId) {
        long ok = answers.stream().filter(r -> r.statusCode() == 200).count();
        var refused = answers.stream().filter(r -> r.statusCode() != 200).toList();
        assertThat(ok).isEqualTo(AFFORDABLE);
        assertThat(refused).hasSize(answers.size() - AFFORDABLE).allSatisfy(r -> {
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(Json.parse(r.body()).path("error").path("code").asText()).isEqualTo("keel_budget_exceeded");
            assertThat(r.headers().firstValue("retry-after")).isPresent();
        });
        String today = "day:" + java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        assertThat(ledger.spent(keyId, today)).isEqualTo(AFFORDABLE * callNanos);
    }

    @Test
    void cap_twoHundredConcurrentCalls_onOneGateway_passExactlyTheAffordableFifty() throws Exception {
        var key = issue("solo", capFor(AFFORDABLE));
        try (var g = GatewayFixture.start(
                emulator,
                GatewayKeys.of(List.of(key.key())),
                GatewaySettings.ofDefaults().withPort(0),
                b -> b)) {
            assertExactlyTheAffordablePass(race(200, key.secret(), g), g.spendLedger(), "solo");
        }
    }

    @Test
    void cap_twoGatewaysSharingPostgres_passExactlyTheAffordableFifty() throws Exception {
        var key = issue("pg", capFor(AFFORDABLE));
        var keys = GatewayKeys.of(List.of(key.key()));
        try (var pg = TestPostgres.createSchema()) {
            var ds = new PGSimpleDataSource();
            ds.setURL(pg.jdbcUrl());
            var settings = GatewaySettings.ofDefaults().withPort(0);
            try (var a = GatewayFixture.start(
                            emulator, keys, settings, b -> b.spendLedger(new JdbcSpendLedger(ds, 8)));
                    var b2 = GatewayFixture.start(
                            emulator, keys, settings, b -> b.spendLedger(new JdbcSpendLedger(ds, 8)))) {
                assertExactlyTheAffordablePass(race(200, key.secret(), a, b2), a.spendLedger(), "pg");
            }
        }
    }

    @Test
    void cap_twoGatewaysSharingRedis_passExactlyTheAffordableFifty_andRateLimitsHoldAcrossBoth() throws Exception {
        var capped = issue("redis-cap", capFor(AFFORDABLE));
        var limited = issue("redis-rpm", new KeyLimits(30, 0, 0, null, null, false));
        var keys = GatewayKeys.of(List.of(capped.key(), limited.key()));
        // A private key prefix on the machine's Redis (KEEL_TEST_REDIS_URL overrides), deleted afterwards.
        String url = System.getenv().getOrDefault("KEEL_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "keel:t:gw:" + java.util.UUID.randomUUID().toString().substring(0, 8) + ":";
        RedisClient client = RedisClient.create(url);
        {
            try {
                var settings = GatewaySettings.ofDefaults().withPort(0);
                try (var a = GatewayFixture.start(
                                emulator,
                                keys,
                                settings,
                                b -> b.spendLedger(new RedisSpendLedger(
                                                client.connect().sync(), prefix))
                                        .rateLimits(RateLimits.redis(client, prefix + "rate:")));
                        var b2 = GatewayFixture.start(
                                emulator,
                                keys,
                                settings,
                                b -> b.spendLedger(new RedisSpendLedger(
                                                client.connect().sync(), prefix))
                                        .rateLimits(RateLimits.redis(client, prefix + "rate:")))) {
                    assertExactlyTheAffordablePass(race(200, capped.secret(), a, b2), a.spendLedger(), "redis-cap");
                    var answers = new ArrayList<HttpResponse<String>>();
                    for (int i = 0; i < 60; i++) {
                        answers.add(post(i % 2 == 0 ? a : b2, "/embeddings", limited.secret(), EMBED));
                    }
                    assertThat(answers.stream().filter(r -> r.statusCode() == 200))
                            .hasSize(30);
                    assertThat(answers.subList(30, 60)).allSatisfy(r -> {
                        assertThat(r.statusCode()).isEqualTo(429);
                        assertThat(r.body()).contains("keel_rate_limited");
                        assertThat(r.headers().firstValue("retry-after")).isPresent();
                    });
                }
            } finally {
                var commands = client.connect().sync();
                var left = commands.keys(prefix + "*");
                if (!left.isEmpty()) {
                    commands.del(left.toArray(String[]::new));
                }
                client.shutdown();
            }
        }
    }

    @Test
    void worstCase_isTheExactInputAndTheOutputBound_andASettledCallCostsItsUsage() {
        var ledger = new MemorySpendLedger();
        var caps = new SpendCaps(ledger, PriceTable.builtIn(), Clock.systemUTC(), 1000);
        var body = Json.parse("{\"model\":\"gpt-4.1-mini\",\"input\":\"hello world\",\"max_output_tokens\":100}");
        var worst = caps.worstCase("/v1/responses", body, true);
        var expected = PriceTable.builtIn()
                .cost(
                        "gpt-4.1-mini",
                        dev.keel.core.cost.PriceTier.STANDARD,
                        new dev.keel.core.cost.TokenUsage(worst.tokens() - 100, 0, 0, 100));
        assertThat(worst.nanos()).isEqualTo(SpendCaps.nanos(expected));
        var key = issue("k", new KeyLimits(0, 0, 0, new BigDecimal("1"), new BigDecimal("10"), false))
                .key();
        var held = (SpendCaps.Reservation) caps.reserve(key, worst);
        caps.settle(
                held, Json.parse("{\"model\":\"gpt-4.1-mini\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}"));
        long actual = SpendCaps.nanos(PriceTable.builtIn()
                .cost(
                        "gpt-4.1-mini",
                        dev.keel.core.cost.PriceTier.STANDARD,
                        new dev.keel.core.cost.TokenUsage(5, 0, 0, 7)));
        String month = "month:"
                + java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString().substring(0, 7);
        assertThat(ledger.spent("k", month)).isEqualTo(actual).isLessThan(worst.nanos());
    }
}
