package dev.keel.openai;

import com.openai.core.RequestOptions;
import com.openai.core.http.Headers;
import com.openai.core.http.HttpClient;
import com.openai.core.http.HttpRequest;
import com.openai.core.http.HttpRequestBody;
import com.openai.core.http.HttpResponse;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.error.CircuitOpenException;
import dev.keel.core.error.DeadlineExceededException;
import dev.keel.core.error.InFlightLimitException;
import dev.keel.core.error.KeelException;
import dev.keel.core.http.HttpCall;
import dev.keel.core.http.HttpResult;
import dev.keel.core.http.RawCall;
import dev.keel.core.http.SseMeter;
import io.micrometer.core.instrument.Counter;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The official SDK's transport seam on keel: every {@link HttpRequest} the SDK makes runs as one
 * logical call through {@link KeelClient#execute}, the one pipeline (deadline, in-flight limit,
 * degrade, fallback, the one retry layer with its budget, breaker, attempt timeout, Jetty).
 *
 * <ul>
 *   <li>Request: method, path segments and query under keel's base URL, the SDK's headers minus
 *       those keel owns — {@code Authorization}, {@code OpenAI-Organization}, {@code
 *       OpenAI-Project} (keel's client sends its own identity) and every {@code x-keel-*} header,
 *       read into {@link CallOptions} ({@link KeelCall}). The SDK's own {@code Idempotency-Key}
 *       becomes the call's key. The body is read once into bytes; a body the SDK marks not
 *       repeatable is sent once and never retried.
 *   <li>Streams (a JSON body with {@code "stream": true}): the body goes to the SDK as it arrives,
 *       metered by {@link SseMeter}; keel retries only before the headers.
 *   <li>An upstream error answer is returned to the SDK once keel's retry layer gave up, so the SDK
 *       raises its own typed exception with the upstream's body; a keel rejection or a failure with
 *       no answer throws {@link KeelRejectionException} with keel's exception as its cause.
 *   <li>The SDK's {@code X-Stainless-Retry-Count} above 0 means its own retries are on (a {@code
 *       ClientOptions} built without {@code maxRetries(0)}): logged once, counted in {@value
 *       #SDK_RETRIES}.
 * </ul>
 *
 * The SDK's per-request timeout is not used: keel's budget and attempt timeouts govern. {@link
 * #close()} stops the async executor and leaves the {@link KeelClient}, which the caller owns, open.
 * Thread-safe.
 */
public final class KeelHttpClient implements HttpClient {

    /** Counts SDK requests that were the SDK's own retries: there should be none. */
    public static final String SDK_RETRIES = "openai_sdk_retries_total";

    private static final Logger LOG = LoggerFactory.getLogger(KeelHttpClient.class);

    private static final String RETRY_COUNT = "x-stainless-retry-count";

    private final KeelClient keel;
    private final ExecutorService async = Executors.newVirtualThreadPerTaskExecutor();
    private final Counter sdkRetries;
    private final AtomicBoolean warned = new AtomicBoolean();

    public KeelHttpClient(KeelClient keel) {
        this.keel = keel;
        this.sdkRetries = Counter.builder(SDK_RETRIES)
                .description("requests the openai-java SDK retried itself on top of keel's retry layer:"
                        + " build its client with maxRetries(0) (KeelOpenAI does)")
                .tag("traffic_class", keel.config().trafficClass().name().toLowerCase(Locale.ROOT))
                .register(keel.meterRegistry());
    }

    /**
     * Runs the request through keel's pipeline.
     *
     * @throws KeelRejectionException when keel refused the call or no upstream answer came
     * @throws IllegalArgumentException when a {@code x-keel-*} header cannot be read, or the call's
     *     traffic class is not the client's
     */
    @Override
    public HttpResponse execute(HttpRequest request, RequestOptions requestOptions) {
        var headers = new SdkHeaders(request.headers());
        noticeSdkRetry(headers.read);
        CallOptions options = KeelCall.read(headers.read, first(headers.read, "idempotency-key"));
        HttpCall call = call(request, headers.sent);
        HttpResult result;
        try {
            result = keel.execute(call, options);
        } catch (KeelException e) {
            if (isUpstreamAnswer(e)) {
                return KeelHttpResponse.failed(e);
            }
            throw new KeelRejectionException(e);
        }
        if (result.stream() == null) {
            return KeelHttpResponse.of(result, null);
        }
        return KeelHttpResponse.of(result, new SseMeter(result, RawCall.isChatStream(call)));
    }

    /** Runs {@link #execute} on a virtual thread; the future fails with what it throws. */
    @Override
    public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions requestOptions) {
        return CompletableFuture.supplyAsync(() -> execute(request, requestOptions), async);
    }

    /** Stops the async executor; the {@link KeelClient} stays open (its owner closes it). */
    @Override
    public void close() {
        async.shutdown();
    }

    /**
     * Whether keel's failure is the upstream's own final answer (a status and body it sent), which
     * the SDK maps to its typed exception; keel's rejections and failures without an answer are not.
     */
    private static boolean isUpstreamAnswer(KeelException e) {
        return e.status() >= 300 // a 2xx keel refused (a stream answered without streaming) is keel's verdict
                && e.upstreamError() != null
                && !(e instanceof CircuitOpenException
                        || e instanceof DeadlineExceededException
                        || e instanceof InFlightLimitException);
    }

    private void noticeSdkRetry(Map<String, List<String>> headers) {
        String count = first(headers, RETRY_COUNT);
        if (count == null || count.strip().equals("0")) {
            return;
        }
        sdkRetries.increment();
        if (warned.compareAndSet(false, true)) {
            LOG.warn(
                    "the openai-java SDK is retrying on top of keel's retry layer (X-Stainless-Retry-Count: {}):"
                            + " build its ClientOptions with maxRetries(0), or use KeelOpenAI.client(keelClient); counted"
                            + " in {}",
                    count.strip(),
                    SDK_RETRIES);
        }
    }

    /**
     * The SDK's headers split in one pass, by lower-case name: those that go upstream (one value,
     * several joined with {@code ", "}), and those keel reads itself ({@code x-keel-*}, {@code
     * Idempotency-Key}, {@code X-Stainless-Retry-Count}). The upstream map is immutable already, so
     * {@link HttpCall} does not copy it again.
     */
    private static final class SdkHeaders {
        final Map<String, String> sent;
        final Map<String, List<String>> read;

        @SuppressWarnings("unchecked")
        SdkHeaders(Headers headers) {
            Set<String> names = headers.names();
            Map.Entry<String, String>[] up = new Map.Entry[names.size()];
            Map<String, List<String>> own = Map.of();
            int n = 0;
            for (String name : names) {
                String lower = name.toLowerCase(Locale.ROOT);
                List<String> values = headers.values(name);
                boolean keels = lower.startsWith(KeelCall.PREFIX);
                if (keels || lower.equals("idempotency-key") || lower.equals(RETRY_COUNT)) {
                    if (own.isEmpty()) {
                        own = new java.util.HashMap<>();
                    }
                    own.computeIfAbsent(lower, k -> new java.util.ArrayList<>()).addAll(values);
                }
                if (!keels && RawCall.forwarded(lower) && !values.isEmpty()) {
                    up[n++] = Map.entry(lower, values.size() == 1 ? values.get(0) : String.join(", ", values));
                }
            }
            this.sent = upstream(n == up.length ? up : java.util.Arrays.copyOf(up, n));
            this.read = own;
        }

        /** The entries as a map; names the SDK held apart only by case are joined as one header. */
        private static Map<String, String> upstream(Map.Entry<String, String>[] entries) {
            try {
                return Map.ofEntries(entries);
            } catch (IllegalArgumentException duplicate) {
                var merged = new LinkedHashMap<String, String>();
                for (var e : entries) {
                    merged.merge(e.getKey(), e.getValue(), (a, b) -> a + ", " + b);
                }
                return merged;
            }
        }
    }

    /** The SDK's request as a call, through keel's one raw-request path ({@link RawCall}). */
    private static HttpCall call(HttpRequest request, Map<String, String> sent) {
        HttpRequestBody body = request.body();
        byte[] bytes = body == null ? null : bytes(body);
        String contentType = body == null ? null : body.contentType();
        return RawCall.ofForwarded(
                request.method().name(), path(request), sent, contentType, bytes, body == null || body.repeatable());
    }

    private static byte[] bytes(HttpRequestBody body) {
        try (body) {
            long length = body.contentLength();
            var out = new ByteArrayOutputStream(length > 0 && length < Integer.MAX_VALUE ? (int) length : 256);
            body.writeTo(out);
            return out.toByteArray();
        }
    }

    /** {@code /segment/segment?key=value}, each part percent-encoded. */
    private static String path(HttpRequest request) {
        var path = new StringBuilder();
        for (String segment : request.pathSegments()) {
            path.append('/').append(encode(segment));
        }
        var query = request.queryParams();
        char sep = '?';
        for (String key : query.keys()) {
            for (String value : query.values(key)) {
                path.append(sep).append(encode(key)).append('=').append(encode(value));
                sep = '&';
            }
        }
        return path.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}
