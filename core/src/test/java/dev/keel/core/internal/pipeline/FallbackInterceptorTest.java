package dev.keel.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.CallOptions;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import dev.keel.core.fallback.Fallback;
import dev.keel.core.fallback.FallbackConfig;
import dev.keel.core.fallback.FallbackHandler;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.ResultSource;
import dev.keel.core.pipeline.CallContext;
import dev.keel.core.pipeline.EventListener;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.Deadline;
import dev.keel.wire.json.Json;
import dev.keel.wire.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The fallback layer over a real breaker layer and a scripted upstream, on a fake clock: what a call
 * gets once the breaker is open, for each kind of call and fallback.
 */
class FallbackInterceptorTest {

    /** Opens after two 30 s windows of 2 failing calls; stays open 10 min so the TTL can run out first. */
    private static final CircuitBreakerConfig QUICK_BREAKER =
            new CircuitBreakerConfig(Duration.ofSeconds(30), 2, 0.25, Duration.ofMinutes(10), 1);

    private static final HttpCall CALL = HttpCall.postJson(
            "/responses", "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\"}".getBytes(StandardCharsets.UTF_8));
    private static final CallOptions NON_CRITICAL = CallOptions.defaults().withCritical(false);

    private final FakeClock clock = new FakeClock();
    private final List<String> events = new ArrayList<>();
    private final EventListener recorder = new EventListener() {
        @Override
        public void fallbackServed(CallContext call, ResultSource source, CircuitOpenException cause) {
            events.add("fallbackServed:" + source);
        }
    };
    private int upstreamCalls;
    private boolean upstreamFails;

    /** The upstream: answers its call count, or fails with a 503 while {@link #upstreamFails}. */
    private final Interceptor upstream = chain -> {
        upstreamCalls++;
        if (upstreamFails) {
            throw KeelException.of(ErrorKind.SERVER_ERROR, "HTTP 503")
                    .status(503)
                    .attempts(1)
                    .build();
        }
        byte[] body = ("{\"n\":" + upstreamCalls + "}").getBytes(StandardCharsets.UTF_8);
        return new HttpResult(200, Map.of(), body, null, "HTTP/2.0", null, 1, null);
    };

    private List<Interceptor> stack(FallbackConfig config, FallbackHandler... handlers) {
        var fallback = new Fallback(config, List.of(handlers), clock);
        return List.of(
                new FallbackInterceptor(fallback, recorder),
                new CircuitBreakerInterceptor("http://upstream/v1", QUICK_BREAKER, clock, EventListener.NONE),
                upstream);
    }

    private HttpResult call(List<Interceptor> stack, HttpCall call, CallOptions options) {
        Duration budget = Duration.ofSeconds(30);
        var context = new CallContext(1, call, options, Deadline.after(budget, clock), budget, 0, null);
        return new RealChain(stack, 0, call, context).proceed(call);
    }

    private void openTheBreaker(List<Interceptor> stack) {
        upstreamFails = true;
        for (int window = 0; window < 2; window++) {
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> call(stack, CALL, CallOptions.defaults()))
                        .isInstanceOf(KeelException.class)
                        .isNotInstanceOf(CircuitOpenException.class);
            }
            clock.advance(Duration.ofSeconds(30));
        }
        assertThatThrownBy(() -> call(stack, CALL, CallOptions.defaults())).isInstanceOf(CircuitOpenException.class);
        upstreamCalls = 0;
    }

    @Test
    void openBreaker_nonCriticalCallWithAKey_getsTheLastGoodAnswerFlaggedPartial_withoutAnUpstreamCall() {
        var stack = stack(FallbackConfig.ofDefaults());
        HttpResult good = call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting"));
        assertThat(good.partial()).isFalse();
        openTheBreaker(stack);

        HttpResult served = call(stack, CALL, NON_CRITICAL.withFallbackKey("greeting"));

        assertThat(served.source()).isEqualTo(ResultSource.LAST_KNOWN_GOOD);
        assertThat(served.partial()).isTrue();
        assertThat(new String(served.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
        assertThat(served.attempts()).isZero();
        assertThat(upstreamCalls).isZero();
        assertThat(events).containsExactly("fallbackServed:LAST_KNOWN_GOOD");
    }

    @Test
    void openBreaker_criticalCallOrStream_failsWithCircuitOpen_evenWithAGoodAnswerKept() {
        var stack = stack(FallbackConfig.ofDefaults(), (c, o) -> Optional.of(Json.object()));
        call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting"));
        openTheBreaker(stack);

        assertThatThrownBy(() -> call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting")))
                .isInstanceOf(CircuitOpenException.class);
        assertThatThrownBy(() -> call(stack, CALL.asStream(), NON_CRITICAL.withFallbackKey("greeting")))
                .isInstanceOf(CircuitOpenException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void openBreaker_lastGoodAnswerPastItsTtl_isNotServed_theRegisteredFallbackAnswers() {
        FallbackHandler declines = (c, o) -> Optional.empty();
        FallbackHandler canned = (c, o) -> Optional.of(Json.object().put("text", "busy, try later"));
        var stack = stack(new FallbackConfig(100, Duration.ofMinutes(1)), declines, canned);
        call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting"));
        openTheBreaker(stack); // 60 s pass: the answer kept at t=0 is exactly 1 min old

        HttpResult served = call(stack, CALL, NON_CRITICAL.withFallbackKey("greeting"));

        assertThat(served.source()).isEqualTo(ResultSource.FALLBACK);
        assertThat(served.status()).isEqualTo(200);
        assertThat(Json.parse(served.body()).get("text").asText()).isEqualTo("busy, try later");
        assertThat(events).containsExactly("fallbackServed:FALLBACK");
    }

    @Test
    void openBreaker_lastGoodAnswerWithinItsTtl_winsOverTheRegisteredFallback() {
        var stack = stack(new FallbackConfig(100, Duration.ofSeconds(61)), (c, o) -> Optional.of(Json.object()));
        call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting"));
        openTheBreaker(stack);

        assertThat(call(stack, CALL, NON_CRITICAL.withFallbackKey("greeting")).source())
                .isEqualTo(ResultSource.LAST_KNOWN_GOOD);
    }

    @Test
    void openBreaker_noKeptAnswerAndNoFallback_failsWithCircuitOpen() {
        var stack = stack(FallbackConfig.ofDefaults());
        call(stack, CALL, CallOptions.defaults().withFallbackKey("greeting"));
        openTheBreaker(stack);

        assertThatThrownBy(() -> call(stack, CALL, NON_CRITICAL.withFallbackKey("another")))
                .isInstanceOf(CircuitOpenException.class);
        assertThatThrownBy(() -> call(stack, CALL, NON_CRITICAL)).isInstanceOf(CircuitOpenException.class);
    }

    @Test
    void lastKnownGood_isBounded_andKeepsNothingWithZeroEntries() {
        var bounded = stack(new FallbackConfig(1, Duration.ofMinutes(10)));
        var none = stack(new FallbackConfig(0, Duration.ofMinutes(10)));
        for (String key : List.of("a", "b", "c")) {
            call(bounded, CALL, CallOptions.defaults().withFallbackKey(key));
            call(none, CALL, CallOptions.defaults().withFallbackKey(key));
        }
        openTheBreaker(bounded);
        int served = 0;
        for (String key : List.of("a", "b", "c")) {
            try {
                call(bounded, CALL, NON_CRITICAL.withFallbackKey(key));
                served++;
            } catch (CircuitOpenException expected) {
                // evicted
            }
        }
        assertThat(served).as("one answer kept of three").isEqualTo(1);
        openTheBreaker(none);
        assertThatThrownBy(() -> call(none, CALL, NON_CRITICAL.withFallbackKey("c")))
                .isInstanceOf(CircuitOpenException.class);
    }
}
