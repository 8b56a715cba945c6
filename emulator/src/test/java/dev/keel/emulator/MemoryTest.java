package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded memory: a standalone emulator in a 128 MB heap (default storage budget, a quarter of it)
 * takes 2,000 batches of 5 requests and ten 16 MB files — several times its heap — and still
 * answers at the end: the oldest files and batch outputs 404, the newest are served, and its heap
 * after a full GC has grown by little more than its budget since the first batch.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MemoryTest {

    private static final String HEAP = "128m";
    private static final long HEAP_BYTES = 128L * 1024 * 1024;
    private static final int BATCHES = 2_000;
    private static final int LINES = 5;
    private static final int LARGE_FILES = 10;
    private static final int LARGE_FILE_BYTES = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    private Process child;
    private BufferedReader childOut;
    private Writer childIn;
    private long budget;
    private long baseline;

    @BeforeEach
    void startChild() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        child = new ProcessBuilder(
                        java,
                        "-Xmx" + HEAP,
                        "-XX:+ExitOnOutOfMemoryError",
                        "-XX:+UseSerialGC",
                        "-XX:TieredStopAtLevel=1",
                        "-cp",
                        System.getProperty("java.class.path"),
                        StandaloneEmulator.class.getName())
                .redirectError(dir.resolve("stderr.txt").toFile())
                .start();
        childOut = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        childIn = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    }

    @AfterEach
    void stopChild() throws Exception {
        childIn.close();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
        }
    }

    @Test
    void standaloneEmulator_thousandsOfBatchesAndLargeFilesThroughASmallHeap_staysWithinItAndKeepsAnswering()
            throws Exception {
        Matcher listening = expect(Pattern.compile("listening on (\\S+) budget=(\\d+)"));
        var http = new EmulatorHttp(URI.create(listening.group(1)));
        budget = Long.parseLong(listening.group(2));
        assertThat(budget).as("a quarter of the heap").isBetween(HEAP_BYTES / 5, HEAP_BYTES / 4);

        byte[] large = new byte[LARGE_FILE_BYTES];
        Arrays.fill(large, (byte) 'k');
        byte[] input = Requests.batchFile(LINES);
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> largeFiles = new ArrayList<>();
        for (int i = 0; i < BATCHES; i++) {
            String fileId = idOf(http.upload("in-" + i + ".jsonl", input, "purpose", "batch"));
            inputs.add(fileId);
            // Every stage takes no time, so the batch has completed when it is created.
            JsonNode batch = http.post("/batches", Requests.batch(fileId)).json();
            assertThat(batch.get("status").asText()).as(batch.toString()).isEqualTo("completed");
            outputs.add(batch.get("output_file_id").asText());
            if (i == 0) {
                baseline = heap().used();
            }
            if (i % 100 == 0) {
                assertThat(http.get("/files/" + outputs.get(i) + "/content")
                                .body()
                                .lines())
                        .hasSize(LINES);
            }
            if (i % (BATCHES / LARGE_FILES) == 0) {
                largeFiles.add(idOf(http.upload("large-" + i + ".bin", large, "purpose", "user_data")));
            }
        }

        for (String old : List.of(inputs.get(0), outputs.get(0), largeFiles.get(0))) {
            var gone = http.get("/files/" + old + "/content");
            assertThat(gone.status()).as(old).isEqualTo(404);
            assertThat(gone.json().at("/error/message").asText()).isEqualTo("No such File object: " + old);
        }
        assertThat(http.get("/files/" + outputs.get(BATCHES - 1) + "/content")
                        .body()
                        .lines())
                .hasSize(LINES);
        assertThat(http.get("/files/" + inputs.get(BATCHES - 1) + "/content").body())
                .isEqualTo(new String(input, StandardCharsets.UTF_8));
        assertThat(http.get("/files/" + largeFiles.get(LARGE_FILES - 1) + "/content")
                        .body())
                .hasSize(LARGE_FILE_BYTES);

        Heap end = heap();
        System.out.printf(
                "MemoryTest: budget %d, heap after GC %d at the first batch and %d at the end, %d stored, %d evicted%n",
                budget, baseline, end.used(), end.stored(), end.evictions());
        assertThat(end.stored()).isPositive().isLessThanOrEqualTo(budget);
        assertThat(end.evictions()).isPositive();
        assertThat(end.used() - baseline)
                .as("heap growth after GC from the first batch to the last (budget " + budget + ")")
                .isLessThan(budget + 16L * 1024 * 1024);
        assertThat(child.isAlive()).isTrue();
    }

    /** What the child reports after a full GC. */
    private record Heap(long used, long stored, long evictions) {}

    private Heap heap() throws IOException {
        childIn.write("heap\n");
        childIn.flush();
        Matcher m = expect(Pattern.compile("heap used=(\\d+) stored=(\\d+) evictions=(\\d+)"));
        return new Heap(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    private static String idOf(EmulatorHttp.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("id").asText();
    }

    /** The child's next stdout line matching {@code p}; fails with its stderr when it exits first. */
    private Matcher expect(Pattern p) throws IOException {
        for (String line = childOut.readLine(); line != null; line = childOut.readLine()) {
            Matcher m = p.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("the child emulator exited before printing '" + p + "': "
                + Files.readString(dir.resolve("stderr.txt")));
    }
}
