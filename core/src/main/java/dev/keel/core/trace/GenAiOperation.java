package dev.keel.core.trace;

import dev.keel.core.http.HttpCall;

/**
 * The GenAI semantic conventions' {@code gen_ai.operation.name} and OpenAI's {@code openai.api.type}
 * of one upstream call, from its method and path: {@code POST /responses} and {@code POST
 * /chat/completions} are {@code chat}, {@code POST /completions} is {@code text_completion}, {@code
 * POST /embeddings} is {@code embeddings}; any other call (files, batches, retrieves, lists) is not a
 * GenAI operation and has none (null). Immutable.
 *
 * @param name {@code gen_ai.operation.name}
 * @param apiType {@code openai.api.type}: {@code responses}, {@code chat_completions}, {@code
 *     completions} or {@code embeddings}
 */
public record GenAiOperation(String name, String apiType) {

    private static final GenAiOperation RESPONSES = new GenAiOperation("chat", "responses");
    private static final GenAiOperation CHAT = new GenAiOperation("chat", "chat_completions");
    private static final GenAiOperation COMPLETIONS = new GenAiOperation("text_completion", "completions");
    private static final GenAiOperation EMBEDDINGS = new GenAiOperation("embeddings", "embeddings");

    /** The operation of {@code call}, or null when it creates no generation. */
    public static GenAiOperation of(HttpCall call) {
        if (!call.method().equals("POST")) {
            return null;
        }
        return switch (pathWithoutQuery(call.path())) {
            case "/responses" -> RESPONSES;
            case "/chat/completions" -> CHAT;
            case "/completions" -> COMPLETIONS;
            case "/embeddings" -> EMBEDDINGS;
            default -> null;
        };
    }

    static String pathWithoutQuery(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }
}
