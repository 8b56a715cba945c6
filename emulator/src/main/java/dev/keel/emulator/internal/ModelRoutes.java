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

    public ModelRoutes(ResponsesApi responses, ChatApi chat, EmbeddingsApi embeddings) {
        this.responses = responses;
        this.chat = chat;
        this.embeddings = embeddings;
    }

    /** Runs one request; API errors become their status and error body, never an exception. */
    public Result execute(String url, JsonNode body) {
        try {
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
