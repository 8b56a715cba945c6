package dev.keel.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keel.core.CallOptions;
import dev.keel.core.TrafficClass;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The per-call option headers: what the builder writes is what the client reads back. */
class KeelCallTest {

    private static Map<String, List<String>> lower(com.openai.core.http.Headers h) {
        return h.names().stream().collect(Collectors.toMap(n -> n.toLowerCase(Locale.ROOT), h::values));
    }

    @Test
    void options_builtAndRead_roundTripIntoCallOptions() {
        var headers = KeelCall.options()
                .budget(Duration.ofMillis(1500))
                .idempotencyKey("idem:acme:7:step")
                .trafficClass(TrafficClass.BATCH)
                .critical(false)
                .fallbackKey("summary:7")
                .build();

        CallOptions o = KeelCall.read(lower(headers), null);

        assertThat(o.budget()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.idempotencyKey()).isEqualTo("idem:acme:7:step");
        assertThat(o.trafficClass()).isEqualTo(TrafficClass.BATCH);
        assertThat(o.critical()).isFalse();
        assertThat(o.fallbackKey()).isEqualTo("summary:7");
        assertThat(headers.names()).allMatch(n -> n.toLowerCase(Locale.ROOT).startsWith(KeelCall.PREFIX));
    }

    @Test
    void read_noHeaders_givesDefaults_andTheSdksIdempotencyKeyWhenNoKeelKey() {
        assertThat(KeelCall.read(Map.of(), null)).isEqualTo(CallOptions.defaults());
        assertThat(KeelCall.read(Map.of(), "sdk-key").idempotencyKey()).isEqualTo("sdk-key");
        assertThat(KeelCall.read(Map.of("x-keel-idempotency-key", List.of("mine")), "sdk-key")
                        .idempotencyKey())
                .isEqualTo("mine");
    }

    @Test
    void duration_acceptsUnitsAndIso() {
        assertThat(KeelCall.duration("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(KeelCall.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(KeelCall.duration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(KeelCall.duration("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void read_badValues_nameTheHeaderTheValueAndWhatIsAccepted() {
        assertThatThrownBy(() -> KeelCall.read(Map.of("x-keel-budget", List.of("soon")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Keel-Budget")
                .hasMessageContaining("'soon'")
                .hasMessageContaining("5s");
        assertThatThrownBy(() -> KeelCall.read(Map.of("x-keel-budget", List.of("0s")), null))
                .hasMessageContaining("X-Keel-Budget");
        assertThatThrownBy(() -> KeelCall.read(Map.of("x-keel-critical", List.of("maybe")), null))
                .hasMessageContaining("X-Keel-Critical")
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> KeelCall.read(Map.of("x-keel-traffic-class", List.of("bulk")), null))
                .hasMessageContaining("online or batch");
        assertThatThrownBy(() -> KeelCall.options().budget(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
