package dev.keel.gateway;

import static dev.keel.gateway.GatewayFixture.UPSTREAM_KEY;
import static dev.keel.gateway.GatewayFixture.issue;
import static dev.keel.gateway.GatewayFixture.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Editing the keys file of a running gateway: a good edit adds and revokes keys without a restart
 * (and the log names them by id only); a bad edit is refused with its file:line and the keys in force
 * stay. A real file, a real gateway in front of the emulator, requests over a socket.
 */
class KeysReloadTest {

    private static final String BODY = "{\"model\":\"gpt-4.1-mini\",\"input\":\"hi\"}";

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Emulator emulator;
    private Gateway gateway;

    @BeforeEach
    void start() {
        ((Logger) LoggerFactory.getLogger(KeysFileWatcher.class)).addAppender(logs);
        logs.start();
        emulator = Emulator.start(
                EmulatorConfig.builder().requiredKey(UPSTREAM_KEY).build());
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        emulator.close();
        ((Logger) LoggerFactory.getLogger(KeysFileWatcher.class)).detachAppender(logs);
    }

    private static String entry(GatewayFixture.Issued k, boolean revoked) {
        return "{\"id\": \"" + k.key().id() + "\", \"sha256\": \"" + k.key().sha256() + "\", \"revoked\": " + revoked
                + "}";
    }

    private static int status(Gateway g, String secret) {
        return post(g, "/responses", secret, BODY).statusCode();
    }

    @Test
    void editingTheKeysFile_addsAndRevokesKeysWhileRunning_andABadEditKeepsTheKeysInForce() throws Exception {
        var a = issue("team-a", KeyLimits.NONE);
        var b = issue("team-b", KeyLimits.NONE);
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\": [\n  " + entry(a, false) + "\n]}\n");
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.load(file),
                GatewaySettings.ofDefaults().withPort(0),
                g -> g.watchKeys(file, KeyLimits.NONE, Duration.ofMillis(100)));
        assertThat(status(gateway, a.secret())).isEqualTo(200);
        assertThat(status(gateway, b.secret())).isEqualTo(401);

        // a good edit: b added, a revoked
        Files.writeString(file, "{\"keys\": [\n  " + entry(a, true) + ",\n  " + entry(b, false) + "\n]}\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> gateway.keys().size() == 2);
        assertThat(status(gateway, b.secret())).isEqualTo(200);
        var refusedA = post(gateway, "/responses", a.secret(), BODY);
        assertThat(refusedA.statusCode()).isEqualTo(401);
        assertThat(refusedA.body()).contains("'team-a' has been revoked");
        assertThat(gateway.keysFileProblem()).isEmpty();
        await().atMost(Duration.ofSeconds(5)).until(() -> logText().contains("applied"));
        assertThat(logText())
                .contains("2 key(s) in force")
                .contains("added [team-b]")
                .contains("revoked [team-a]")
                .doesNotContain(a.secret())
                .doesNotContain(b.secret())
                .doesNotContain(a.key().sha256())
                .doesNotContain(b.key().sha256());

        // a bad edit (line 3: an unknown field) is refused; b still works, a is still revoked
        int applied = logs.list.size();
        Files.writeString(
                file,
                "{\"keys\": [\n  " + entry(b, false) + ",\n  {\"id\": \"c\", \"sha256\": \"" + "cd".repeat(32)
                        + "\", \"dayly_usd\": 5}\n]}\n");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.keysFileProblem().isPresent());
        assertThat(gateway.keysFileProblem().orElseThrow())
                .contains(file + ":3")
                .contains("unknown field 'dayly_usd'")
                .contains("daily_usd");
        assertThat(logs.list.subList(applied, logs.list.size()).toString())
                .contains("edit refused, the 2 key(s) in force stay")
                .contains(file + ":3");
        assertThat(gateway.keys().size()).isEqualTo(2);
        assertThat(status(gateway, b.secret())).isEqualTo(200);
        assertThat(status(gateway, a.secret())).isEqualTo(401);

        // fixing it applies it: c is added, a is gone
        Files.writeString(
                file,
                "{\"keys\": [\n  " + entry(b, false) + ",\n  {\"id\": \"c\", \"sha256\": \"" + "cd".repeat(32)
                        + "\", \"daily_usd\": 5}\n]}\n");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.keysFileProblem().isEmpty());
        assertThat(gateway.keys().all()).extracting(GatewayKey::id).containsExactlyInAnyOrder("team-b", "c");
        assertThat(logText()).contains("added [c]").contains("removed [team-a]");
        var gone = post(gateway, "/responses", a.secret(), BODY);
        assertThat(gone.statusCode()).isEqualTo(401);
        assertThat(gone.body()).contains("does not know it");
        assertThat(status(gateway, b.secret())).isEqualTo(200);
    }

    @Test
    void aKeyChangingItsLimits_isHeldToTheNewOnes() throws Exception {
        var a = issue("team-a", KeyLimits.NONE);
        Path file = dir.resolve("keys.json");
        Files.writeString(file, "{\"keys\": [" + entry(a, false) + "]}");
        gateway = GatewayFixture.start(
                emulator,
                GatewayKeys.load(file),
                GatewaySettings.ofDefaults().withPort(0),
                g -> g.watchKeys(file, KeyLimits.NONE, Duration.ofMillis(100)));
        assertThat(status(gateway, a.secret())).isEqualTo(200);
        assertThat(status(gateway, a.secret())).isEqualTo(200);
        Files.writeString(
                file,
                "{\"keys\": [{\"id\": \"team-a\", \"sha256\": \"" + a.key().sha256()
                        + "\", \"requests_per_minute\": 1}]}");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> gateway.keys().all().get(0).limits().requestsPerMinute() == 1);
        assertThat(status(gateway, a.secret())).isEqualTo(200);
        var limited = post(gateway, "/responses", a.secret(), BODY);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).contains("keel_rate_limited");
        await().atMost(Duration.ofSeconds(5))
                .until(() -> logText().contains("changed (secret, owner or limits) [team-a]"));
    }

    private String logText() {
        return logs.list.stream()
                .map(ILoggingEvent::getFormattedMessage)
                .toList()
                .toString();
    }
}
