package dev.keel.examples.springai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Spring Boot with {@code spring-ai-starter-model-openai}: the application declares its {@link
 * OpenAiChatModel} bean on keel ({@link SpringAiOnKeel#chatModel}); the starter's chat model
 * auto-configuration yields to it, and the auto-configured {@link ChatClient.Builder} calls the
 * emulator through keel. The starter's own key ({@code spring.ai.openai.api-key}) is not the one
 * the emulator accepts, so a call made by a starter-built client would be refused.
 */
class SpringBootOnKeelTest {

    private static final String KEY = "sk-test-spring-boot-on-keel";
    private static final String MODEL = "gpt-4o-mini";

    /** The application: keel's client and Spring AI's chat model on it. */
    @SpringBootApplication
    static class App {

        @Bean(destroyMethod = "close")
        KeelClient keelClient(Environment env) {
            URI baseUrl = URI.create(env.getRequiredProperty("app.openai.base-url"));
            return KeelClient.builder(KeelClientConfig.builder(env.getRequiredProperty("app.openai.key"), baseUrl)
                            .build())
                    .build();
        }

        @Bean
        OpenAiChatModel openAiChatModel(KeelClient keel) {
            return SpringAiOnKeel.chatModel(keel, MODEL);
        }
    }

    @Test
    void starterYieldsToTheApplicationsModel_chatClientCallGoesThroughKeel() {
        try (var emulator =
                        Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());
                var context = new SpringApplicationBuilder(App.class)
                        .web(WebApplicationType.NONE)
                        .properties(
                                "app.openai.base-url=" + emulator.baseUrl(),
                                "app.openai.key=" + KEY,
                                "spring.ai.openai.api-key=sk-the-starters-key-not-keels",
                                "spring.ai.openai.base-url="
                                        + emulator.baseUrl().toString().replace("/v1", ""))
                        .run()) {
            KeelClient keel = context.getBean(KeelClient.class);

            assertThat(context.getBeansOfType(ChatModel.class)).hasSize(1);
            assertThat(context.getBean(ChatModel.class)).isSameAs(context.getBean("openAiChatModel"));
            String answer = context.getBean(ChatClient.Builder.class)
                    .build()
                    .prompt()
                    .user("Summarise ticket 42")
                    .call()
                    .content();

            assertThat(answer).startsWith("Emulated reply to \"Summarise ticket 42");
            var seen = emulator.requests("POST", "/v1/chat/completions");
            assertThat(seen).hasSize(1);
            assertThat(seen.getFirst().header("authorization")).hasValue("Bearer " + KEY);
            assertThat(keel.meterRegistry()
                            .find(MetricNames.LLM_LATENCY_MS)
                            .tags("outcome", "ok")
                            .summary()
                            .count())
                    .as("keel timed the call")
                    .isEqualTo(1);
        }
    }
}
