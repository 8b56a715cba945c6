package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The storage budget over HTTP: files, batch results and stored responses share 1 MB; past it the
 * oldest go first and answer the API's 404, the newest are served.
 */
class StorageLimitTest {

    private static final long BUDGET = EmulatorConfig.MB;
    private final FakeClock clock = new FakeClock();
    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder()
                .clock(clock)
                .batchSpeed(1)
                .storageBudgetBytes(BUDGET)
                .build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void files_pastTheBudget_oldestAnswer404AndNewestAreServed() {
        byte[] content = new byte[300 * 1024];
        Arrays.fill(content, (byte) 'x');
        String first = upload("a.txt", content, "user_data");
        String second = upload("b.txt", content, "user_data");
        String third = upload("c.txt", content, "user_data");
        assertThat(http.get("/files/" + first + "/content").status()).isEqualTo(200);
        String fourth = upload("d.txt", content, "user_data");

        var gone = http.get("/files/" + first);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().at("/error/message").asText()).isEqualTo("No such File object: " + first);
        assertThat(gone.json().at("/error/param").asText()).isEqualTo("id");
        assertThat(http.get("/files/" + first + "/content").status()).isEqualTo(404);
        assertThat(http.get("/files").body()).doesNotContain(first);
        for (String kept : new String[] {second, third, fourth}) {
            var reply = http.get("/files/" + kept + "/content");
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.body()).hasSize(content.length);
        }
        assertThat(emulator.storedBytes()).isLessThanOrEqualTo(BUDGET);
        assertThat(emulator.storageEvictions()).isEqualTo(1);
    }

    @Test
    void delete_freesItsBytesSoNothingElseIsEvicted() {
        byte[] content = new byte[300 * 1024];
        String first = upload("a.txt", content, "user_data");
        String second = upload("b.txt", content, "user_data");
        String third = upload("c.txt", content, "user_data");
        assertThat(http.delete("/files/" + second).status()).isEqualTo(200);
        upload("d.txt", content, "user_data");
        assertThat(http.get("/files/" + first).status()).isEqualTo(200);
        assertThat(http.get("/files/" + third).status()).isEqualTo(200);
        assertThat(emulator.storageEvictions()).isZero();
    }

    @Test
    void upload_largerThanTheWholeBudget_answers413NamingTheBudget() {
        var reply = http.upload("big.txt", new byte[(int) BUDGET], "purpose", "user_data");
        assertThat(reply.status()).isEqualTo(413);
        assertThat(reply.json().at("/error/code").asText()).isEqualTo("file_too_large");
        assertThat(reply.json().at("/error/message").asText())
                .contains("storage budget")
                .contains("--storage-budget");
    }

    @Test
    void batchOutput_evictedByNewerFiles_itsOutputFileIdAnswers404() {
        JsonNode batch = http.post("/batches", Requests.batch(upload("in.jsonl", Requests.batchFile(5), "batch")))
                .json();
        clock.advance(Duration.ofHours(1));
        batch = http.get("/batches/" + batch.get("id").asText()).json();
        assertThat(batch.get("status").asText()).isEqualTo("completed");
        String output = batch.get("output_file_id").asText();
        assertThat(http.get("/files/" + output + "/content").body().lines()).hasSize(5);

        byte[] filler = new byte[400 * 1024];
        for (int i = 0; i < 3; i++) {
            upload("f" + i + ".txt", filler, "user_data");
        }
        var gone = http.get("/files/" + output + "/content");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().at("/error/message").asText()).isEqualTo("No such File object: " + output);
        JsonNode again = http.get("/batches/" + batch.get("id").asText()).json();
        assertThat(again.get("output_file_id").asText())
                .as("the batch keeps pointing at it")
                .isEqualTo(output);
        assertThat(again.at("/request_counts/completed").asInt()).isEqualTo(5);
    }

    @Test
    void runningBatch_resultsEvictedBeforeItEnds_reportsItsCountsAndItsFilesAnswer404() {
        JsonNode batch = http.post("/batches", Requests.batch(upload("in.jsonl", Requests.batchFile(5), "batch")))
                .json();
        byte[] filler = new byte[400 * 1024];
        for (int i = 0; i < 3; i++) {
            upload("f" + i + ".txt", filler, "user_data");
        }
        clock.advance(Duration.ofHours(1));
        batch = http.get("/batches/" + batch.get("id").asText()).json();
        assertThat(batch.get("status").asText()).isEqualTo("completed");
        assertThat(batch.at("/request_counts/completed").asInt()).isEqualTo(5);
        assertThat(batch.at("/usage/input_tokens").asLong()).isPositive();
        var gone = http.get("/files/" + batch.get("output_file_id").asText() + "/content");
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().at("/error/message").asText()).startsWith("No such File object: file-");
    }

    @Test
    void storedResponses_pastTheBudget_oldestAnswer404() {
        String first = http.post("/responses", Requests.PLAIN).json().get("id").asText();
        assertThat(http.get("/responses/" + first).status()).isEqualTo(200);
        upload("f.txt", new byte[(int) BUDGET - 512], "user_data");
        var gone = http.get("/responses/" + first);
        assertThat(gone.status()).isEqualTo(404);
        String last = http.post("/responses", Requests.PLAIN).json().get("id").asText();
        assertThat(http.get("/responses/" + last).status()).isEqualTo(200);
    }

    private String upload(String name, byte[] content, String purpose) {
        var reply = http.upload(name, content, "purpose", purpose);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asText();
    }
}
