package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.testing.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EmulatorConfig#dataDir()}: files and batches outlive the emulator that stored them, a
 * batch moves on while no emulator runs, and a write interrupted half-way is not read back.
 */
class DataDirTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();

    private Emulator start() {
        return Emulator.start(EmulatorConfig.builder()
                .clock(clock)
                .batchSpeed(1)
                .dataDir(dir.resolve("sandbox"))
                .build());
    }

    @Test
    void filesAndBatches_outliveTheEmulator_andTheBatchFinishesOnItsOwnClock() {
        String fileId;
        String batchId;
        try (var first = start()) {
            var http = new EmulatorHttp(first);
            fileId = http.upload("chunk-1.jsonl", Requests.batchFile(3), "purpose", "batch")
                    .json()
                    .get("id")
                    .asText();
            var created = http.post("/batches", Requests.batch(fileId)).json();
            batchId = created.get("id").asText();
            assertThat(created.get("status").asText()).isEqualTo("validating");
        }
        clock.advance(Duration.ofMinutes(1)); // no emulator runs meanwhile
        try (var second = start()) {
            var http = new EmulatorHttp(second);
            JsonNode file = http.get("/files/" + fileId).json();
            assertThat(file.get("filename").asText()).isEqualTo("chunk-1.jsonl");
            assertThat(http.get("/files/" + fileId + "/content").body())
                    .isEqualTo(new String(Requests.batchFile(3), java.nio.charset.StandardCharsets.UTF_8));
            JsonNode batch = http.get("/batches/" + batchId).json();
            assertThat(batch.get("status").asText()).isEqualTo("completed");
            assertThat(batch.at("/request_counts/completed").asInt()).isEqualTo(3);
            var listed = new ArrayList<String>();
            http.get("/batches?limit=100")
                    .json()
                    .get("data")
                    .forEach(b -> listed.add(b.get("id").asText()));
            assertThat(listed).containsExactly(batchId);
            String out = batch.get("output_file_id").asText();
            assertThat(http.get("/files/" + out + "/content").body().lines()).hasSize(3);
        }
        try (var third = start()) {
            var http = new EmulatorHttp(third);
            JsonNode batch = http.get("/batches/" + batchId).json();
            assertThat(batch.get("status").asText()).isEqualTo("completed");
            String out = batch.get("output_file_id").asText();
            assertThat(http.get("/files/" + out + "/content").status())
                    .as("the output file written by the second emulator is kept too")
                    .isEqualTo(200);
        }
    }

    @Test
    void aCancelledBatch_staysCancelled_andADeletedFileStaysDeleted() {
        String batchId;
        String fileId;
        try (var first = start()) {
            var http = new EmulatorHttp(first);
            fileId = http.upload("in.jsonl", Requests.batchFile(2), "purpose", "batch")
                    .json()
                    .get("id")
                    .asText();
            batchId = http.post("/batches", Requests.batch(fileId))
                    .json()
                    .get("id")
                    .asText();
            assertThat(http.post("/batches/" + batchId + "/cancel", "").status())
                    .isEqualTo(200);
            assertThat(http.delete("/files/" + fileId).status()).isEqualTo(200);
        }
        clock.advance(Duration.ofHours(1));
        try (var second = start()) {
            var http = new EmulatorHttp(second);
            assertThat(http.get("/batches/" + batchId).json().get("status").asText())
                    .isEqualTo("cancelled");
            assertThat(http.get("/files/" + fileId).status()).isEqualTo(404);
        }
    }

    @Test
    void aWriteCutShortByAKill_isIgnoredAndRemoved() throws Exception {
        try (var first = start()) {
            new EmulatorHttp(first).upload("in.jsonl", Requests.batchFile(1), "purpose", "batch");
        }
        Path partial = dir.resolve("sandbox/files/.file-partial.tmp");
        Files.writeString(partial, "{\"id\":\"file-par");
        try (var second = start()) {
            List<JsonNode> files = new ArrayList<>();
            new EmulatorHttp(second).get("/files").json().get("data").forEach(files::add);
            assertThat(files).hasSize(1);
            assertThat(files.get(0).get("filename").asText()).isEqualTo("in.jsonl");
        }
        assertThat(partial).doesNotExist();
    }
}
