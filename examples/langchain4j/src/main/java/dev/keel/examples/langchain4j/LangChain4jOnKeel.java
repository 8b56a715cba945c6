package dev.keel.examples.langchain4j;

import dev.keel.core.KeelClient;
import dev.keel.openai.KeelOpenAI;
import dev.langchain4j.model.openaiofficial.OpenAiOfficialResponsesStreamingChatModel;

/**
 * LangChain4j's "OpenAI Official SDK" Responses model on keel: {@link
 * OpenAiOfficialResponsesStreamingChatModel}'s builder takes the application's SDK client ({@code
 * client(OpenAIClient)}), and given the client from {@link KeelOpenAI} every call the model makes
 * runs through keel's pipeline; keel's retry layer is the only one (the SDK client's retries are
 * off and the model adds none).
 *
 * <p>Not the Chat Completions models: in {@code langchain4j-open-ai-official} 1.11.0-beta19 (the
 * version served here) {@code OpenAiOfficialChatModel(Builder)} and {@code
 * OpenAiOfficialStreamingChatModel(Builder)}, when given {@code openAIClient}/{@code
 * openAIClientAsync}, keep the client and skip {@code OpenAiOfficialBaseChatModel.init(...)}, so
 * their {@code defaultRequestParameters()} is null and every {@code chat(...)} fails with a
 * NullPointerException before any request is made ({@code LangChain4jOnKeelTest} pins this).
 * Thread-safe, as the client it wires.
 */
public final class LangChain4jOnKeel {

    private LangChain4jOnKeel() {}

    /**
     * The streaming Responses model for {@code model} on {@code keel}. The SDK client it builds is
     * closed with neither the model nor keel; an application keeps it for its lifetime.
     */
    public static OpenAiOfficialResponsesStreamingChatModel responsesModel(KeelClient keel, String model) {
        return OpenAiOfficialResponsesStreamingChatModel.builder()
                .client(KeelOpenAI.client(keel))
                .modelName(model)
                .build();
    }
}
