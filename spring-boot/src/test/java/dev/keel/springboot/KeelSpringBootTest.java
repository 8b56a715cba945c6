package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.openai.client.OpenAIClient;
import com.openai.models.responses.ResponseCreateParams;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.metrics.MetricNames;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Boot application with the starter, Actuator and a web server, against the emulator: keel's beans
 * come from {@code keel.*} properties, calls through the {@link KeelClient} and the SDK's {@link
 * OpenAIClient} land in the application's {@link MeterRegistry}, and Actuator serves the {@code keel}
 * health component and the redacted configuration.
 */
@SpringBootTest(
        classes = KeelSpringBootTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoints.web.exposure.include=health,keel",
            "management.endpoint.health.show-details=always",
            // the JDBC starter is on the test classpath for the DataSource-store test only
            "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "keel.retry.max-attempts=2",
            "keel.traffic.batch.in-flight=5"
        })
class KeelSpringBootTest {

    static final String KEY = "sk-boot-test-0123456789";
    static final Emulator EMULATOR =
            Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("keel.upstream.api-key", () -> KEY);
        registry.add("keel.upstream.base-url", () -> EMULATOR.baseUrl().toString());
    }

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Autowired
    KeelClient keel;

    @Autowired
    KeelClients clients;

    @Autowired
    OpenAIClient openai;

    @Autowired
    MeterRegistry registry;

    @Value("${local.server.port}")
    int port;

    private double requests() {
        return registry.find(MetricNames.REQUESTS).counters().stream()
                .mapToDouble(Counter::count)
                .sum();
    }

    private JsonNode get(String path) throws Exception {
        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    @Test
    void beansComeFromProperties_andCallsAreMeteredInTheApplicationsRegistry() {
        assertThat(keel.config().retry().maxAttempts()).isEqualTo(2);
        assertThat(clients.batch().config().inFlightLimit()).isEqualTo(5);
        double before = requests();

        var body = JsonNodeFactory.instance
                .objectNode()
                .put("model", "gpt-4.1-mini")
                .put("input", "Summarise 42");
        assertThat(keel.responses().create(body, CallOptions.defaults()).outputText())
                .startsWith("Emulated reply");
        var sdk = openai.responses()
                .create(ResponseCreateParams.builder()
                        .model("gpt-4.1-mini")
                        .input("Summarise 43")
                        .build());
        assertThat(sdk.output()).isNotEmpty();

        assertThat(requests()).isEqualTo(before + 2);
        assertThat(EMULATOR.requests("POST", "/v1/responses")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void actuator_servesTheKeelHealthComponent_andTheRedactedConfiguration() throws Exception {
        JsonNode health = get("/actuator/health/keel");
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("details").path("online").has("breakers")).isTrue();

        JsonNode config = get("/actuator/keel");
        String text = config.toString();
        assertThat(text).contains("keel.upstream.api-key").contains("keel.retry.max-attempts");
        assertThat(text).doesNotContain(KEY);
        for (JsonNode e : config.path("configuration")) {
            if (e.path("key").asText().equals("keel.retry.max-attempts")) {
                assertThat(e.path("value").asText()).isEqualTo("2");
                assertThat(e.path("origin").asText()).contains("keel.retry.max-attempts");
            }
        }
    }
}
