package dev.keel.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.testing.FakeClock;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Batch input lines the real API refuses although a lenient JSON reader takes them: a byte order
 * mark, bytes after the object (garbage, NULs), a line that is an array or a scalar, invalid UTF-8.
 * Each fails the batch at validation with {@code invalid_json_line} and the line number (see
 * docs/decisions.md); CRLF line ends and trailing spaces stay valid.
 */
class BatchInputTest {

    private static final String LINE = "{\"custom_id\":\"req-%d\",\"method\":\"POST\",\"url\":\"/v1/responses\","
            + "\"body\":{\"model\":\"gpt-4.1-mini\",\"input\":\"Question %d\"}}";

    private final FakeClock clock = new FakeClock();
    private Emulator emulator;
    private EmulatorHttp http;

    @BeforeEach
    void start() {
        emulator = Emulator.start(
                EmulatorConfig.builder().clock(clock).batchSpeed(1).build());
        http = new EmulatorHttp(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void byteOrderMark_atTheStartOfTheFile_failsLine1WithInvalidJsonLine() {
        var file = new ByteArrayOutputStream();
        file.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        file.writeBytes(lines(0, 1, 2));
        assertThat(failures(file.toByteArray())).containsExactly("invalid_json_line@1");
    }

    @Test
    void garbageAfterTheObject_failsThatLineWithInvalidJsonLine() {
        String file = line(0) + "\n" + line(1) + " trailing\n" + line(2) + "}\n";
        assertThat(failures(utf8(file))).containsExactly("invalid_json_line@2", "invalid_json_line@3");
    }

    @Test
    void nulBytesAfterTheObject_failThatLineWithInvalidJsonLine() {
        String file = line(0) + "\n" + line(1) + "\u0000\u0000\n";
        assertThat(failures(utf8(file))).containsExactly("invalid_json_line@2");
    }

    @Test
    void secondObjectOnOneLine_failsThatLineWithInvalidJsonLine() {
        String file = line(0) + line(1) + "\n";
        assertThat(failures(utf8(file))).containsExactly("invalid_json_line@1");
    }

    @Test
    void arrayOrScalarLine_failsAsInvalidJsonLine() {
        String file = line(0) + "\n[" + line(1) + "]\n\"text\"\n42\nnull\n";
        assertThat(failures(utf8(file)))
                .containsExactly(
                        "invalid_json_line@2", "invalid_json_line@3", "invalid_json_line@4", "invalid_json_line@5");
    }

    @Test
    void invalidUtf8_failsThatLineWithInvalidJsonLine() {
        var file = new ByteArrayOutputStream();
        file.writeBytes(utf8(line(0) + "\n"));
        byte[] latin1 = line(1).replace("Question", "Qu\u00e9stion").getBytes(StandardCharsets.ISO_8859_1);
        file.writeBytes(latin1);
        file.writeBytes(utf8("\n" + line(2) + "\n"));
        assertThat(failures(file.toByteArray())).containsExactly("invalid_json_line@2");
    }

    @Test
    void crlfLineEndsTrailingSpacesAndBlankLines_areValid() {
        String file = line(0) + "\r\n" + line(1) + "  \t\r\n\r\n   \n" + line(2) + "\n\n";
        JsonNode b = finished(create(utf8(file)));
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("completed");
        assertThat(b.at("/request_counts/total").asInt()).isEqualTo(3);
        assertThat(b.at("/request_counts/completed").asInt()).isEqualTo(3);
    }

    @Test
    void failedInput_showsNoErrorsWhileValidatingAndRunsNothing() {
        JsonNode b = create(utf8(line(0) + "garbage\n"));
        assertThat(b.get("status").asText()).isEqualTo("validating");
        assertThat(b.has("errors")).isFalse();
        b = finished(b);
        assertThat(b.get("status").asText()).isEqualTo("failed");
        assertThat(b.at("/errors/data/0/message").asText()).isEqualTo("This line is not parseable as valid JSON.");
        assertThat(b.at("/request_counts/total").asInt()).isZero();
        assertThat(b.has("output_file_id")).isFalse();
        assertThat(b.has("error_file_id")).isFalse();
    }

    private List<String> failures(byte[] file) {
        JsonNode b = finished(create(file));
        assertThat(b.get("status").asText()).as(b.toString()).isEqualTo("failed");
        List<String> found = new ArrayList<>();
        b.at("/errors/data")
                .forEach(e ->
                        found.add(e.get("code").asText() + "@" + e.get("line").asText()));
        return found;
    }

    private static String line(int i) {
        return LINE.formatted(i, i);
    }

    private static byte[] lines(int... ids) {
        var b = new StringBuilder();
        for (int i : ids) {
            b.append(line(i)).append('\n');
        }
        return utf8(b.toString());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode create(byte[] file) {
        var upload = http.upload("input.jsonl", file, "purpose", "batch");
        assertThat(upload.status()).as(upload.body()).isEqualTo(200);
        var reply = http.post("/batches", Requests.batch(upload.json().get("id").asText()));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private JsonNode finished(JsonNode batch) {
        clock.advance(Duration.ofHours(1));
        return http.get("/batches/" + batch.get("id").asText()).json();
    }
}
