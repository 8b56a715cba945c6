package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.core.KeelClient;
import dev.keel.core.policy.CircuitBreaker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** {@code /actuator/health} reflects an open breaker: the keel component and the overall status say DEGRADED. */
@SpringBootTest(
        classes = KeelSpringBootBreakerTest.App.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "management.endpoint.health.show-details=always",
            // the JDBC starter is on the test classpath for the DataSource-store test only
            "spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "management.endpoint.health.status.order=down,out-of-service,degraded,up,unknown",
            "keel.upstream.api-key=sk-boot-test-0123456789",
            "keel.retry.max-attempts=1",
            "keel.breaker.window=100ms",
            "keel.breaker.min-calls=2",
            "keel.breaker.open-for=1h",
            "keel.degrade.min-calls=100000",
            "debug=true"
        })
class KeelSpringBootBreakerTest {

    @SpringBootApplication
    static class App {}

    @DynamicPropertySource
    static void upstream(DynamicPropertyRegistry registry) throws IOException {
        int closed;
        try (var s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closed + "/v1";
        registry.add("keel.upstream.base-url", () -> url);
    }

    @Autowired
    KeelClient keel;

    @Value("${local.server.port}")
    int port;

    @Test
    void anOpenBreaker_showsInActuatorHealth() throws Exception {
        long end = System.nanoTime() + 20_000_000_000L;
        while (!keel.breakerStates().containsValue(CircuitBreaker.State.OPEN) && System.nanoTime() < end) {
            KeelHealthIndicatorTest.fail(keel);
        }
        assertThat(keel.breakerStates()).containsValue(CircuitBreaker.State.OPEN);

        var response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode health = new ObjectMapper().readTree(response.body());
        assertThat(health.path("status").asText()).as(response.body()).isEqualTo("DEGRADED");
        JsonNode component = health.path("components").path("keel");
        assertThat(component.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(component.path("details").path("online").path("breakers").toString())
                .contains("OPEN");
    }
}
