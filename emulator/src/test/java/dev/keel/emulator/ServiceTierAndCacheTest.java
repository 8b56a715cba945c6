package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.json.Json;
import dev.keel.wire.tokens.TokenCounter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code service_tier} beyond the echo (flex answers later by the configured flex latency; the
 * {@code flex-unavailable} fault answers flex requests 429 {@code resource_unavailable} and leaves
 * others alone) and the prompt cache (a repeated prefix of at least 1,024 tokens under the same
 * {@code prompt_cache_key} is reported cached, in 128-token steps; GPT-5.6 and later also report
 * cache writes), over real sockets.
 */
class ServiceTierAndCacheTest {

    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder()
                .flexLatency(Duration.ofMillis(400))
                .models(Models.ofDefaults().with(List.of("gpt-5.6")))
                .build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void flex_answersAfterTheFlexLatency_andEchoesFlex() {
        long t0 = System.nanoTime();
        var flex = http.post("/responses", "{\"model\":\"gpt-5-mini\",\"input\":\"hi\",\"service_tier\":\"flex\"}");
        long flexMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(flex.status()).as(flex.body()).isEqualTo(200);
        assertThat(flex.json().get("service_tier").asText()).isEqualTo("flex");
        assertThat(flexMs).as("a flex answer waits the configured 400 ms").isGreaterThanOrEqualTo(400);

        var chat = http.post(
                "/chat/completions",
                "{\"model\":\"gpt-5-mini\",\"service_tier\":\"flex\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(chat.json().get("service_tier").asText()).isEqualTo("flex");
    }

    @Test
    void flexUnavailableFault_answersFlex429ResourceUnavailable_exactly() {
        var reply = http.post(
                "/responses",
                "{\"model\":\"gpt-5-mini\",\"input\":\"hi\",\"service_tier\":\"flex\"}",
                "x-keel-fault",
                "flex-unavailable");
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.json())
                .isEqualTo(
                        Json.parse("{\"error\":{\"message\":\"Resource unavailable: flex processing has no capacity for"
                                + " this request right now. Retry later, or send the request without service_tier 'flex'.\","
                                + "\"type\":\"rate_limit_error\",\"param\":null,\"code\":\"resource_unavailable\"}}"));
        assertThat(reply.header("retry-after")).isNull();

        var notFlex = http.post(
                "/responses", "{\"model\":\"gpt-5-mini\",\"input\":\"hi\"}", "x-keel-fault", "flex-unavailable");
        assertThat(notFlex.status()).isEqualTo(400);
        assertThat(notFlex.json().at("/error/code").asText()).isEqualTo("fault_not_applicable");
    }

    @Test
    void flexUnavailableRule_refusesOnlyFlexRequests() {
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.parseFlag("POST /v1/responses=flex-unavailable"))));
        var standard = http.post("/responses", "{\"model\":\"gpt-5-mini\",\"input\":\"hi\"}");
        var priority =
                http.post("/responses", "{\"model\":\"gpt-5-mini\",\"input\":\"hi\",\"service_tier\":\"priority\"}");
        var flex = http.post("/responses", "{\"model\":\"gpt-5-mini\",\"input\":\"hi\",\"service_tier\":\"flex\"}");
        assertThat(standard.status()).isEqualTo(200);
        assertThat(priority.status()).isEqualTo(200);
        assertThat(flex.status()).isEqualTo(429);
        assertThat(flex.json().at("/error/code").asText()).isEqualTo("resource_unavailable");
    }

    /** About 1,500 tokens of stable text, then a question that differs. */
    private static final String PREFIX = longText(1_200);

    private static String longText(int words) {
        var b = new StringBuilder("You are a support triage assistant. Policy follows.\n");
        for (int i = 0; i < words; i++) {
            b.append("rule").append(i).append(i % 10 == 9 ? ".\n" : " ");
        }
        return b.toString();
    }

    /** The documented rule, computed here from the tokenizer: the common token prefix, ≥ 1,024, in 128-steps. */
    private static int expectedCached(String model, String earlier, String later) {
        var enc = TokenCounter.encodingFor(model);
        var a = enc.encodeOrdinary(earlier);
        var b = enc.encodeOrdinary(later);
        int n = 0;
        while (n < Math.min(a.size(), b.size()) && a.get(n) == b.get(n)) {
            n++;
        }
        return n >= 1024 ? n / 128 * 128 : 0;
    }

    private JsonNode respond(String model, String input, String cacheKey) {
        ObjectNode body = Json.object().put("model", model).put("input", input);
        if (cacheKey != null) {
            body.put("prompt_cache_key", cacheKey);
        }
        var reply = http.post("/responses", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    @Test
    void responses_repeatedPrefixWithTheSameKey_isReportedCached() {
        String first = PREFIX + "Ticket: the printer is on fire.";
        String second = PREFIX + "Ticket: the VPN drops every hour.";
        JsonNode a = respond("gpt-4.1-mini", first, "triage-v1");
        assertThat(a.at("/usage/input_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(a.get("prompt_cache_key").asText()).isEqualTo("triage-v1");

        JsonNode b = respond("gpt-4.1-mini", second, "triage-v1");
        int cached = b.at("/usage/input_tokens_details/cached_tokens").asInt();
        assertThat(cached).isEqualTo(expectedCached("gpt-4.1-mini", first, second));
        assertThat(cached)
                .isGreaterThanOrEqualTo(1024)
                .isLessThan(b.at("/usage/input_tokens").asInt());
        assertThat(cached % 128).isZero();
        assertThat(b.at("/usage/input_tokens_details/cache_write_tokens").asInt())
                .as("gpt-4.1 does not bill cache writes")
                .isZero();

        assertThat(respond("gpt-4.1-mini", second, "other-key")
                        .at("/usage/input_tokens_details/cached_tokens")
                        .asInt())
                .as("another prompt_cache_key")
                .isZero();
        assertThat(respond("gpt-4.1-mini", second, null)
                        .at("/usage/input_tokens_details/cached_tokens")
                        .asInt())
                .as("no prompt_cache_key")
                .isZero();
        assertThat(respond("gpt-4.1", second, "triage-v1")
                        .at("/usage/input_tokens_details/cached_tokens")
                        .asInt())
                .as("another model")
                .isZero();
    }

    @Test
    void shortPrompts_areNeverCached() {
        String shortPrompt = longText(300); // well under 1,024 tokens
        respond("gpt-4.1-mini", shortPrompt + "a", "k");
        JsonNode again = respond("gpt-4.1-mini", shortPrompt + "b", "k");
        assertThat(again.at("/usage/input_tokens").asInt()).isLessThan(1024);
        assertThat(again.at("/usage/input_tokens_details/cached_tokens").asInt())
                .isZero();
    }

    @Test
    void chat_reportsCachedTokensInPromptTokensDetails() {
        String first = PREFIX + "Ticket one.";
        String second = PREFIX + "Ticket two.";
        for (String text : List.of(first, second)) {
            ObjectNode body = Json.object().put("model", "gpt-4o-mini").put("prompt_cache_key", "chat-k");
            body.putArray("messages").addObject().put("role", "user").put("content", text);
            var reply = http.post("/chat/completions", body);
            assertThat(reply.status()).as(reply.body()).isEqualTo(200);
            int cached = reply.json()
                    .at("/usage/prompt_tokens_details/cached_tokens")
                    .asInt();
            if (text == first) {
                assertThat(cached).isZero();
            } else {
                assertThat(cached).isGreaterThanOrEqualTo(1024).isEqualTo(expectedCached("gpt-4o-mini", first, second));
            }
        }
    }

    @Test
    void gpt56_reportsCacheWritesForThePartNotRead() {
        String first = PREFIX + "Ticket one.";
        String second = PREFIX + "Ticket two.";
        JsonNode a = respond("gpt-5.6", first, "k56");
        int inA = a.at("/usage/input_tokens").asInt();
        assertThat(a.at("/usage/input_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(a.at("/usage/input_tokens_details/cache_write_tokens").asInt())
                .isEqualTo(inA / 128 * 128);

        JsonNode b = respond("gpt-5.6", second, "k56");
        int inB = b.at("/usage/input_tokens").asInt();
        int cached = b.at("/usage/input_tokens_details/cached_tokens").asInt();
        assertThat(cached).isEqualTo(expectedCached("gpt-5.6", first, second)).isPositive();
        assertThat(b.at("/usage/input_tokens_details/cache_write_tokens").asInt())
                .isEqualTo(inB / 128 * 128 - cached);
    }
}
