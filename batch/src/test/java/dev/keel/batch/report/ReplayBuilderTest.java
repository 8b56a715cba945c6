package dev.keel.batch.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.run.ReplayPolicy;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayBuilderTest {

    @TempDir
    Path dir;

    private static String failed(String id, String code, int replays) {
        return "{\"custom_id\":\"" + id + "\",\"replay_count\":" + replays + ",\"code\":\"" + code + "\",\"request\":"
                + "{\"custom_id\":\"" + id
                + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":{\"model\":\"gpt-4o\"}}}";
    }

    @Test
    void keepsOnlyRetryableFailuresWithReplaysLeftAndTheirCustomIds() throws Exception {
        Path in = dir.resolve("failed.jsonl");
        Files.write(
                in,
                List.of(
                        failed("a", "rate_limit_exceeded", 0),
                        failed("b", "invalid_request_error", 0),
                        failed("c", "server_error", 3),
                        failed("d", "server_error", 0),
                        failed("d", "batch_expired", 1),
                        "{\"nope\":1}"));
        Path out = dir.resolve("replay.jsonl");
        var r = new ReplayBuilder(ReplayPolicy.ofDefaults(), 3).build(in, out);
        assertThat(r.written()).isEqualTo(2);
        assertThat(r.notRetryable()).isEqualTo(1);
        assertThat(r.replaysUsedUp()).isEqualTo(1);
        assertThat(r.problems()).singleElement().asString().contains("failed.jsonl:6");
        assertThat(Files.readAllLines(out))
                .extracting(l -> Json.parse(l).path("custom_id").asText())
                .containsExactly("a", "d");
    }
}
