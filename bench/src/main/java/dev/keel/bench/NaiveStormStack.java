package dev.keel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.stream.StreamSupport;

/**
 * The stack keel replaces: a "gateway" that retries the WHOLE workflow up to 3 times around a
 * "service" that retries each model call up to 3 times with a fixed 100 ms pause, no retry budget,
 * no breaker and no idempotency, over {@code java.net.http} (HTTP/1.1). One model call can cost 9
 * upstream calls per workflow try, and a tool that already ran runs again when a later model call
 * fails. A logical call is one model call of one application try: the gateway's repeats of a step
 * are retries, not new logical calls. Thread-safe.
 */
final class NaiveStormStack implements StormStack {

    private static final int GATEWAY_ATTEMPTS = 3;
    private static final int SERVICE_ATTEMPTS = 3;
    private static final Duration SERVICE_BACKOFF = Duration.ofMillis(100);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(25);

    private final HttpClient http;
    private final URI uri;
    private final StormTally tally;
    private final RefundLedger ledger;
    private final JsonNode tools = tools();

    private NaiveStormStack(HttpClient http, URI uri, StormTally tally, RefundLedger ledger) {
        this.http = http;
        this.uri = uri;
        this.tally = tally;
        this.ledger = ledger;
    }

    /** Builds a plain HTTP/1.1 client for the emulator at {@code baseUrl}. */
    static NaiveStormStack open(URI baseUrl, StormTally tally, RefundLedger ledger) {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return new NaiveStormStack(http, URI.create(baseUrl + "/responses"), tally, ledger);
    }

    @Override
    public String name() {
        return "naive";
    }

    /** The gateway: the whole workflow, up to 3 times; the last failure leaves. */
    @Override
    public void run(int index) throws Exception {
        long deadline = System.nanoTime() + StormSettings.BUDGET.toNanos();
        boolean[] counted = new boolean[2];
        Exception last = null;
        for (int attempt = 1; attempt <= GATEWAY_ATTEMPTS; attempt++) {
            try {
                workflow(index, counted, deadline);
                return;
            } catch (IOException | IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    @Override
    public void close() {
        http.close();
    }

    /** The service: model call, tool, model call with the tool output. */
    private void workflow(int index, boolean[] counted, long deadline) throws IOException, InterruptedException {
        ObjectNode first = body(userMessage(index));
        JsonNode call = functionCall(model(first, 0, counted, deadline));
        String output = ledger.refund(index);
        ArrayNode input = userMessage(index);
        input.add(call);
        input.addObject()
                .put("type", "function_call_output")
                .put("call_id", call.path("call_id").asText())
                .put("output", output);
        model(body(input), 1, counted, deadline);
    }

    /** One model call with the service's 3 attempts, 100 ms apart; {@code step} 0 or 1 for the count. */
    private JsonNode model(ObjectNode body, int step, boolean[] counted, long deadline)
            throws IOException, InterruptedException {
        if (!counted[step]) {
            counted[step] = true;
            tally.logicalCall();
        }
        String failure = null;
        for (int attempt = 1; attempt <= SERVICE_ATTEMPTS; attempt++) {
            if (attempt > 1) {
                Thread.sleep(SERVICE_BACKOFF);
            }
            checkBudget(deadline);
            HttpResponse<String> response = send(body);
            if (response != null && response.statusCode() / 100 == 2) {
                tally.modelCallSucceeded();
                return Json.parse(response.body());
            }
            failure = response == null ? "no answer" : "HTTP " + response.statusCode();
        }
        tally.modelCallFailed();
        throw new IOException("model call failed after " + SERVICE_ATTEMPTS + " attempts: " + failure);
    }

    /** One upstream call; null when no answer came. */
    private HttpResponse<String> send(ObjectNode body) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + API_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            tally.upstreamAnswered(response.statusCode());
            return response;
        } catch (IOException e) {
            tally.upstreamAnswered(0);
            return null;
        }
    }

    private ObjectNode body(ArrayNode input) {
        ObjectNode body = Json.object().put("model", MODEL);
        body.set("input", input);
        body.set("tools", tools);
        return body;
    }

    private static ArrayNode userMessage(int index) {
        ArrayNode input = Json.array();
        input.addObject().put("role", "user").put("content", StormStack.prompt(index));
        return input;
    }

    private static JsonNode functionCall(JsonNode response) throws IOException {
        return StreamSupport.stream(response.path("output").spliterator(), false)
                .filter(item -> "function_call".equals(item.path("type").asText()))
                .findFirst()
                .orElseThrow(() -> new IOException("the model answered without calling " + TOOL));
    }

    private static void checkBudget(long deadline) {
        if (System.nanoTime() - deadline > 0) {
            throw new IllegalStateException(
                    "the workflow's budget of " + StormSettings.BUDGET.toSeconds() + " s ran out");
        }
    }

    private static JsonNode tools() {
        ArrayNode tools = Json.array();
        // strict is required by the API (and the emulator) for function tools; false, as the SDK stack sends
        tools.addObject()
                .put("type", "function")
                .put("name", TOOL)
                .put("strict", false)
                .set("parameters", Json.parse(TOOL_PARAMETERS));
        return tools;
    }
}
