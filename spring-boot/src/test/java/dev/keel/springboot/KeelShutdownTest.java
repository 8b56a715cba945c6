package dev.keel.springboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.policy.Deadline;
import dev.keel.core.policy.InFlightLimit;
import dev.keel.wire.time.Ticker;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** On context stop keel waits for the calls in flight, within one business timeout, then closes its clients. */
class KeelShutdownTest {

    private static KeelClients clients() {
        var config = KeelClientConfig.builder("sk-test", URI.create("http://127.0.0.1:9/v1"))
                .build();
        return new KeelClients(
                KeelClient.builder(config).build(), KeelClient.builder(config).build());
    }

    @Test
    void aCallInFlight_isWaitedFor_thenTheClientsClose() {
        var clients = clients();
        InFlightLimit.Permit permit =
                clients.online().inFlight().acquire(Deadline.after(Duration.ofSeconds(5), Ticker.SYSTEM));
        var sleeps = new AtomicInteger();
        var shutdown = new KeelShutdown(
                clients,
                Duration.ofSeconds(30),
                d -> {
                    // the call finishes while keel waits
                    if (sleeps.incrementAndGet() == 3) {
                        permit.close();
                    }
                },
                Ticker.SYSTEM);
        shutdown.start();
        assertThat(shutdown.drain()).isZero();
        assertThat(sleeps.get()).isEqualTo(3);
        shutdown.stop();
        assertThat(shutdown.isRunning()).isFalse();
        var body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                .objectNode()
                .put("model", "gpt-4.1-mini")
                .put("input", "hi");
        assertThatThrownBy(() -> clients.online().responses().create(body, dev.keel.core.CallOptions.defaults()))
                .as("the transport is closed: nothing new goes out")
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void aCallThatOutlivesTheBudget_isLeft_andTheClientsCloseAnyway() {
        var clients = clients();
        clients.batch().inFlight().acquire(Deadline.after(Duration.ofSeconds(5), Ticker.SYSTEM));
        var now = new AtomicLong();
        var shutdown = new KeelShutdown(clients, Duration.ofSeconds(30), d -> now.addAndGet(d.toNanos()), now::get);
        assertThat(shutdown.drain()).isEqualTo(1);
        assertThat(now.get()).isGreaterThanOrEqualTo(Duration.ofSeconds(30).toNanos());
        shutdown.stop();
    }
}
