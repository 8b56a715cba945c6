package dev.keel.examples.springai;

import com.openai.client.OpenAIClient;
import com.openai.client.OpenAIClientAsync;
import dev.keel.core.KeelClient;
import dev.keel.openai.KeelOpenAI;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;

/**
 * Spring AI 2's OpenAI chat model on keel: {@link OpenAiChatModel} sits on the official SDK and takes
 * the application's {@link OpenAIClient} (and {@link OpenAIClientAsync} for streaming) through its
 * builder, so giving it the clients from {@link KeelOpenAI} puts every call Spring AI makes — and
 * every {@link ChatClient} call above it — through keel's pipeline. In a Spring application the
 * same three lines go into a {@code @Bean} method returning the {@code ChatModel}. Thread-safe, as
 * the clients it wires.
 */
public final class SpringAiOnKeel {

    private SpringAiOnKeel() {}

    /**
     * Spring AI's chat model for {@code model} on {@code keel}. The SDK clients it builds are closed
     * with neither the model nor keel; an application keeps them for its lifetime.
     */
    public static OpenAiChatModel chatModel(KeelClient keel, String model) {
        return OpenAiChatModel.builder()
                .openAiClient(KeelOpenAI.client(keel))
                .openAiClientAsync(KeelOpenAI.asyncClient(keel))
                .options(OpenAiChatOptions.builder().model(model).build())
                .build();
    }

    /** Spring AI's fluent {@link ChatClient} over {@link #chatModel(KeelClient, String)}. */
    public static ChatClient chatClient(KeelClient keel, String model) {
        return ChatClient.create(chatModel(keel, model));
    }
}
