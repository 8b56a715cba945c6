package dev.keel.examples.bootservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RecordedRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The service, started whole against the emulator: the endpoint answers, through keel, and keel is in its health and metrics. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SupportServiceTest {

    static final String KEY = "sk-example-0123456789";
    // only keel's key is accepted, so a call that bypassed keel's pipeline would be refused
    static final Emulator EMULATOR =
            Emulator.start(EmulatorConfig.builder().requiredKey(KEY).build());

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) {
        registry.add("keel.upstream.api-key", () -> KEY);
        registry.add("keel.upstream.base-url", () -> EMULATOR.baseUrl().toString());
    }

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    MeterRegistry registry;

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void summaryEndpoint_callsOpenAiThroughKeel() throws Exception {
        var response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tickets/42/summary"))
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("The printer on floor 3 is on fire.")));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.path("ticket").asText()).isEqualTo("42");
        assertThat(body.path("summary").asText()).startsWith("Emulated reply");

        List<RecordedRequest> seen = EMULATOR.requests("POST", "/v1/responses");
        assertThat(seen).hasSize(1);
        assertThat(seen.getFirst().header("Idempotency-Key")).contains("idem:support:summary:42:model");
        assertThat(registry.find("openai_requests").counters()).isNotEmpty();

        var health = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/keel")));
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(health.body()).path("status").asText())
                .isEqualTo("UP");
    }
}
