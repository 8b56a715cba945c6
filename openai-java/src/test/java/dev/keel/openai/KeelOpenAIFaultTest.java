package dev.keel.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.core.MultipartField;
import com.openai.core.http.HttpMethod;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.StreamResponse;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.files.FileCreateParams;
import com.openai.models.files.FilePurpose;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStreamEvent;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.InFlightLimitException;
import dev.keel.core.error.StreamTruncatedException;
import dev.keel.core.metrics.MetricNames;
import dev.keel.core.policy.CircuitBreakerConfig;
import dev.keel.core.policy.RetryPolicyConfig;
import dev.keel.core.slo.ErrorBudget;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.wire.testing.FakeClock;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault matrix through the official SDK on keel, against the emulator over real sockets: keel's
 * retry layer is the only one (the upstream calls the emulator saw are counted), an open breaker
 * fails fast without an upstream call, a cut stream raises, {@code Retry-After} is honoured, a hard
 * quota is not retried, and the per-call budget and idempotency key set from SDK code act.
 */
class KeelOpenAIFaultTest {

    private static final String KEY = "sk-test-keel-faults";
    private static final String MODEL = "gpt-4o-mini";
    private static final String RESPONSES = "POST /v1/responses";

    private static Emulator emulator;
    private final List<AutoCloseable> open = new ArrayList<>();
    /** Every wait keel's retry layer asked for; nobody really waits. */
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        emulator = Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    @BeforeEach
    void reset() {
        emulator.replaceFaults(FaultPlan.NONE);
        emulator.clearRequests();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private KeelClient keel(KeelClientConfig.Builder config) {
        var k = KeelClient.builder(config.build()).sleeper(waits::add).build();
        open.add(k);
        return k;
    }

    private KeelClient keel() {
        return keel(KeelClientConfig.builder(KEY, emulator.baseUrl()));
    }

    private OpenAIClient sdk(KeelClient keel) {
        OpenAIClient c = KeelOpenAI.client(keel);
        open.add(c::close);
        return c;
    }

    private static void faults(String route, FaultEffect... script) {
        emulator.replaceFaults(new FaultPlan(7, List.of(FaultRule.scripted(route, List.of(script)))));
    }

    private static FaultEffect status(int code) {
        return new FaultEffect.Status(code, null, null);
    }

    private static ResponseCreateParams.Builder hello() {
        return ResponseCreateParams.builder().model(MODEL).input("Hello through a storm");
    }

    private static List<RecordedRequest> upstream() {
        return emulator.requests("POST", "/v1/responses");
    }

    @Test
    void storm503_thenOk_keelAloneRetries_theSdkNever() {
        faults(RESPONSES, status(503), status(503), new FaultEffect.None());

        Response r = sdk(keel()).responses().create(hello().build());

        assertThat(r.id()).startsWith("resp_");
        assertThat(upstream()).hasSize(3);
        assertThat(upstream())
                .allSatisfy(seen ->
                        assertThat(seen.header("x-stainless-retry-count")).hasValue("0"));
        assertThat(waits).hasSize(2);
    }

    @Test
    void storm503_throughout_sdkGetsItsInternalServerErrorWithTheUpstreamBody_afterKeelsThreeAttempts() {
        emulator.replaceFaults(new FaultPlan(7, List.of(FaultRule.withProbability(RESPONSES, 1.0, status(503)))));

        assertThatThrownBy(() -> sdk(keel()).responses().create(hello().build()))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.type()).isPresent();
                    assertThat(e.body().toString()).contains("message");
                    assertThat(e.headers().values("x-request-id")).isNotEmpty();
                });
        assertThat(upstream())
                .as("keel's 3 attempts, never SDK retries x keel retries")
                .hasSize(3);
    }

    @Test
    void sdkRetriesLeftOn_areWarnedAndCounted() {
        KeelClient keel = keel();
        emulator.replaceFaults(new FaultPlan(7, List.of(FaultRule.withProbability(RESPONSES, 1.0, status(503)))));
        OpenAIClient careless = new com.openai.client.OpenAIClientImpl(
                KeelOpenAI.options(keel).maxRetries(1).build());
        open.add(careless::close);

        assertThatThrownBy(() -> careless.responses().create(hello().build()))
                .isInstanceOf(InternalServerException.class);

        assertThat(keel.meterRegistry()
                        .get(KeelHttpClient.SDK_RETRIES)
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(upstream())
                .as("the SDK's retry went upstream again on top of keel's attempts")
                .hasSizeGreaterThan(3)
                .anySatisfy(seen ->
                        assertThat(seen.header("x-stainless-retry-count")).hasValue("1"));
    }

    @Test
    void retryAfter_isHonouredByKeelsWait() {
        faults(RESPONSES, new FaultEffect.Status(429, Duration.ofSeconds(2), null), new FaultEffect.None());

        Response r = sdk(keel()).responses().create(hello().build());

        assertThat(r.id()).startsWith("resp_");
        assertThat(waits).containsExactly(Duration.ofSeconds(2));
        assertThat(upstream()).hasSize(2);
    }

    @Test
    void hardQuota429_isNotRetried_andReachesTheSdkAsRateLimitException() {
        faults(RESPONSES, new FaultEffect.Status(429, null, "insufficient_quota"), new FaultEffect.None());

        assertThatThrownBy(() -> sdk(keel()).responses().create(hello().build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(429);
                    assertThat(e.code()).hasValue("insufficient_quota");
                });
        assertThat(upstream()).hasSize(1);
        assertThat(waits).isEmpty();
    }

    /** A client whose breaker trips after two 1 s windows with a failure each, on a fake clock; one attempt per call. */
    private KeelClient trippable(FakeClock clock) {
        var keel = KeelClient.builder(KeelClientConfig.builder(KEY, emulator.baseUrl())
                        .retry(new RetryPolicyConfig(
                                1,
                                RetryPolicyConfig.online().backoff(),
                                RetryPolicyConfig.online().minAttemptTime()))
                        .breaker(new CircuitBreakerConfig(Duration.ofSeconds(1), 1, 0.5, Duration.ofSeconds(20), 1))
                        .build())
                .ticker(clock)
                .sleeper(waits::add)
                .build();
        open.add(keel);
        return keel;
    }

    private static void tripWith500s(OpenAIClient openai, FakeClock clock) {
        emulator.replaceFaults(new FaultPlan(7, List.of(FaultRule.withProbability(RESPONSES, 1.0, status(500)))));
        for (int window = 0; window < 2; window++) { // two failing windows trip it
            assertThatThrownBy(() -> openai.responses().create(hello().build()))
                    .isInstanceOf(InternalServerException.class);
            clock.advance(Duration.ofSeconds(1));
        }
    }

    @Test
    void openBreaker_failsFastWithoutAnUpstreamCall_causeIsCircuitOpen() {
        var clock = new FakeClock();
        KeelClient keel = trippable(clock);
        OpenAIClient openai = sdk(keel);
        tripWith500s(openai, clock);
        int seen = upstream().size();

        assertThatThrownBy(() -> openai.responses().create(hello().build()))
                .isInstanceOfSatisfying(
                        KeelRejectionException.class,
                        e -> assertThat(e.keel()).isInstanceOf(CircuitOpenException.class));
        assertThat(upstream()).as("no upstream call while open").hasSize(seen);
        assertThat(keel.errorBudget().burnRate(ErrorBudget.Window.M5))
                .as("the SDK's failed calls spend the error budget")
                .isPositive();
    }

    @Test
    void openBreaker_nonCriticalCallFromSdkCode_getsTheLastGoodAnswerFlaggedPartial() {
        var clock = new FakeClock();
        OpenAIClient openai = sdk(trippable(clock));
        var nonCritical =
                KeelCall.options().critical(false).fallbackKey("summary:42").build();
        Response good =
                openai.responses().create(hello().additionalHeaders(nonCritical).build());
        tripWith500s(openai, clock);
        int seen = upstream().size();

        var raw = openai.responses()
                .withRawResponse()
                .create(hello().additionalHeaders(nonCritical).build());

        assertThat(raw.headers().values("x-keel-partial")).containsExactly("true");
        assertThat(raw.parse().id()).isEqualTo(good.id());
        assertThat(upstream()).hasSize(seen);
    }

    @Test
    void streamCutAfterThreeEvents_raisesInSdkCode_andCountsAsTruncatedAndAFailure() {
        KeelClient keel = keel();
        faults(RESPONSES, new FaultEffect.CutStream(3));
        double before = keel.meterRegistry()
                .counter(MetricNames.COST_UNMETERED_STREAMS, "reason", "truncated", "traffic_class", "online")
                .count();
        var seen = new ArrayList<ResponseStreamEvent>();

        assertThatThrownBy(() -> {
                    try (StreamResponse<ResponseStreamEvent> s =
                            sdk(keel).responses().createStreaming(hello().build())) {
                        s.stream().forEach(seen::add);
                    }
                })
                .isInstanceOf(com.openai.errors.OpenAIIoException.class)
                .satisfies(e -> assertThat(causes(e)).hasAtLeastOneElementOfType(StreamTruncatedException.class));

        assertThat(seen).as("the events before the cut arrived").hasSizeLessThanOrEqualTo(3);
        assertThat(upstream()).as("no retry after the first byte").hasSize(1);
        assertThat(keel.meterRegistry()
                        .counter(MetricNames.COST_UNMETERED_STREAMS, "reason", "truncated", "traffic_class", "online")
                        .count())
                .isEqualTo(before + 1);
        assertThat(keel.errorBudget().burnRate(ErrorBudget.Window.M5)).isPositive();
    }

    private static List<Throwable> causes(Throwable t) {
        var all = new ArrayList<Throwable>();
        for (Throwable c = t; c != null && !all.contains(c); c = c.getCause()) {
            all.add(c);
        }
        return all;
    }

    @Test
    void idempotencyKeyFromSdkCode_onEveryAttemptOnTheWire_andNoKeelHeaderUpstream() {
        faults(RESPONSES, status(503), new FaultEffect.None());

        sdk(keel())
                .responses()
                .create(hello().additionalHeaders(KeelCall.options()
                                .idempotencyKey("idem:acme:order-42:summary")
                                .budget(Duration.ofSeconds(20))
                                .critical(true)
                                .build())
                        .build());

        assertThat(upstream()).hasSize(2).allSatisfy(seen -> {
            assertThat(seen.header("idempotency-key")).hasValue("idem:acme:order-42:summary");
            assertThat(seen.headers().keySet()).noneMatch(h -> h.startsWith("x-keel-"));
        });
    }

    @Test
    void budgetFromSdkCode_boundsTheCall_asADeadlineRejection() {
        faults(RESPONSES, new FaultEffect.Stall());

        assertThatThrownBy(() -> sdk(keel())
                        .responses()
                        .create(hello().additionalHeaders(KeelCall.options()
                                        .budget(Duration.ofMillis(300))
                                        .build())
                                .build()))
                .isInstanceOfSatisfying(KeelRejectionException.class, e -> {
                    assertThat(e.keel()).isInstanceOf(DeadlineExceededException.class);
                    assertThat(e.getMessage()).contains("300");
                });
    }

    @Test
    void inFlightLimitReached_whileAnSdkStreamIsOpen_nextCallIsRefusedWithInFlightLimitAsCause() {
        KeelClient keel = keel(KeelClientConfig.builder(KEY, emulator.baseUrl()).inFlightLimit(1));
        OpenAIClient openai = sdk(keel);
        try (StreamResponse<ResponseStreamEvent> held = openai.responses().createStreaming(hello().build())) {
            assertThat(keel.inFlight().inUse())
                    .as("an open stream holds its permit")
                    .isEqualTo(1);

            assertThatThrownBy(() -> openai.responses()
                            .create(hello().additionalHeaders(KeelCall.options()
                                            .budget(Duration.ofMillis(100))
                                            .build())
                                    .build()))
                    .isInstanceOfSatisfying(
                            KeelRejectionException.class,
                            e -> assertThat(e.keel()).isInstanceOf(InFlightLimitException.class));
        }
        assertThat(keel.inFlight().inUse())
                .as("closing the SDK stream gives the permit back")
                .isZero();
        assertThat(upstream()).hasSize(1);
    }

    @Test
    void repeatableMultipartUpload_meets503_isRetriedByKeel_andArrivesWhole() {
        faults("POST /v1/files", status(503), new FaultEffect.None());
        byte[] content = "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{}}\n"
                .getBytes(StandardCharsets.UTF_8);

        var file = sdk(keel())
                .files()
                .create(FileCreateParams.builder()
                        .file(MultipartField.<InputStream>builder()
                                .value(new ByteArrayInputStream(content))
                                .filename("retry.jsonl")
                                .build())
                        .purpose(FilePurpose.BATCH)
                        .build());

        assertThat(file.bytes()).isEqualTo(content.length);
        assertThat(emulator.requests("POST", "/v1/files")).hasSize(2);
    }

    @Test
    void nonRepeatableBody_meets503_isSentOnce_andTheSdkGetsThe503() throws Exception {
        faults(RESPONSES, status(503), new FaultEffect.None());
        byte[] json = "{\"model\":\"gpt-4o-mini\",\"input\":\"once\"}".getBytes(StandardCharsets.UTF_8);
        var once = new HttpRequestBody() {
            @Override
            public void writeTo(java.io.OutputStream out) {
                try {
                    out.write(json);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override
            public String contentType() {
                return "application/json";
            }

            @Override
            public long contentLength() {
                return json.length;
            }

            @Override
            public boolean repeatable() {
                return false;
            }

            @Override
            public void close() {}
        };
        var request = HttpRequest.builder()
                .method(HttpMethod.POST)
                .baseUrl(emulator.baseUrl().toString())
                .addPathSegment("responses")
                .body(once)
                .build();

        try (var http = new KeelHttpClient(keel());
                var answer = http.execute(request, com.openai.core.RequestOptions.none())) {
            assertThat(answer.statusCode()).isEqualTo(503);
            assertThat(new String(answer.body().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("\"error\"");
        }
        assertThat(upstream()).hasSize(1);
        assertThat(waits).isEmpty();
    }
}
