package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import java.util.Set;

/**
 * The model endpoints by URL, for the batch engine to run a batch line exactly as the synchronous
 * route would answer it. Thread-safe.
 */
public final class ModelRoutes {

    /** The endpoints the emulator runs in batches. */
    public static final Set<String> BATCHABLE = Set.of("/v1/responses", "/v1/chat/completions", "/v1/embeddings");

    /** A status and body, as an HTTP answer would carry them. */
    public record Result(int status, JsonNode body) {}

    private final ResponsesApi responses;
    private final ChatApi chat;
    private final EmbeddingsApi embeddings;
    private final RequestChecks checks;

    public ModelRoutes(ResponsesApi responses, ChatApi chat, EmbeddingsApi embeddings, RequestChecks checks) {
        this.responses = responses;
        this.chat = chat;
        this.embeddings = embeddings;
        this.checks = checks;
    }

    /** Runs one request, checked as the synchronous route checks it; API errors become their status and error body, never an exception. */
    public Result execute(String url, JsonNode body) {
        try {
            if (BATCHABLE.contains(url)) {
                checks.check(url, body);
            }
            JsonNode out = switch (url) {
                case "/v1/responses" -> responses.create(body, (SampleDefect) null);
                case "/v1/chat/completions" -> chat.create(body, null);
                case "/v1/embeddings" -> embeddings.create(body);
                default -> throw ApiException.notFound("Invalid URL (POST " + url + ")", null);
            };
            return new Result(200, out);
        } catch (ApiException e) {
            return new Result(e.status(), e.body());
        }
    }
}
