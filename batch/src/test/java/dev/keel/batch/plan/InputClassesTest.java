package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.batch.BatchFixture;
import dev.keel.batch.ledger.ItemState;
import dev.keel.batch.run.RunOutcome;
import dev.keel.wire.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per class of input the validator used to pass raw and the upstream then failed whole
 * (issue 14, point 5): each is either normalised (what is uploaded is keel's canonical JSON of the
 * line) or refused with file:line before anything is planned. Against the emulator over real
 * sockets, with a real SQLite ledger.
 */
class InputClassesTest {

    @TempDir
    Path dir;

    private BatchFixture f;

    @BeforeEach
    void start() {
        f = BatchFixture.sqlite(dir);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path file(byte[]... parts) throws Exception {
        var b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.write(p);
        }
        Path p = dir.resolve("in-" + System.nanoTime() + ".jsonl");
        Files.write(p, b.toByteArray());
        return p;
    }

    private static byte[] line(String customId) {
        return utf8(BatchFixture.responsesLine(customId, "hello " + customId) + "\n");
    }

    /** Refused: nothing recorded, one problem at {@code lineNo} whose reason starts with {@code reason}. */
    private void assertRefused(Path in, long lineNo, String reason) {
        PlanResult r = f.plan(in, PlanConfig.ofDefaults());
        assertThat(r.accepted()).isFalse();
        assertThat(r.problems()).hasSize(1);
        InputProblem p = r.problems().get(0);
        assertThat(p.file()).isEqualTo(in.toString());
        assertThat(p.line()).isEqualTo(lineNo);
        assertThat(p.reason()).startsWith(reason);
        assertThat(f.ledger.run(r.runId())).isEmpty();
        assertThat(f.ledger.chunks(r.runId())).isEmpty();
    }

    /** The bytes the emulator holds for the file uploaded for chunk 1 of {@code runId}, read back over HTTP. */
    private byte[] uploaded(String runId) {
        String fileId = f.ledger.chunk(runId, 1).orElseThrow().fileId();
        return f.client
                .files()
                .content(
                        fileId, dev.keel.core.CallOptions.defaults().withTrafficClass(dev.keel.core.TrafficClass.BATCH))
                .body();
    }

    @Test
    void aByteOrderMark_atFileStart_isDroppedAndTheRunSucceeds() throws Exception {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Path in = file(bom, line("a"), line("b"));
        PlanResult r = f.plan(in, PlanConfig.ofDefaults());
        assertThat(r.accepted()).isTrue();
        assertThat(f.ledger.chunkLines(r.runId(), 1))
                .containsExactly(
                        BatchFixture.responsesLine("a", "hello a"), BatchFixture.responsesLine("b", "hello b"));
        RunOutcome o = f.runner(BatchFixture.fast()).drive(r.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(r.runId(), 2, 0, false));
        byte[] chunk = Files.readAllBytes(dir.resolve("runs")
                .resolve(r.runId())
                .resolve("chunks")
                .resolve(Planner.chunkFileName(r.runId(), 1, 0)));
        assertThat(chunk[0]).isEqualTo((byte) '{');
    }

    @Test
    void trailingGarbage_afterTheObject_isRefusedWithFileLine() throws Exception {
        Path in = file(line("a"), utf8(BatchFixture.responsesLine("b", "x") + " trailing\n"));
        assertRefused(
                in,
                2,
                "trailing bytes after the JSON value, from byte offset "
                        + BatchFixture.responsesLine("b", "x").length());
    }

    @Test
    void trailingNuls_afterTheObject_areRefusedWithFileLine() throws Exception {
        Path in = file(line("a"), utf8(BatchFixture.responsesLine("b", "x")), new byte[] {0, 0, 0, '\n'});
        assertRefused(in, 2, "trailing bytes after the JSON value");
    }

    @Test
    void aSecondObject_onOneLine_isRefused() throws Exception {
        Path in = file(utf8(BatchFixture.responsesLine("a", "x") + BatchFixture.responsesLine("b", "y") + "\n"));
        assertRefused(in, 1, "trailing bytes after the JSON value");
    }

    @Test
    void invalidUtf8_isRefusedWithItsByteOffset() throws Exception {
        String good = BatchFixture.responsesLine("a", "caf");
        int at = good.indexOf("caf") + 3;
        byte[] bad = new byte[good.length() + 1];
        System.arraycopy(utf8(good), 0, bad, 0, at);
        bad[at] = (byte) 0xE9; // Latin-1 é, not UTF-8
        System.arraycopy(utf8(good), at, bad, at + 1, good.length() - at);
        Path in = file(line("z"), line("y"), bad, utf8("\n"));
        assertRefused(in, 3, "not UTF-8: invalid byte 0xE9 at byte offset " + at);
    }

    @Test
    void duplicateKeys_areRefused() throws Exception {
        Path in = file(utf8("{\"custom_id\":\"a\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                + "{\"model\":\"gpt-4.1-mini\",\"input\":\"one\",\"input\":\"two\"}}\n"));
        assertRefused(in, 1, "duplicate key: the field 'input' appears twice");
    }

    @Test
    void anEmptyFile_isRefused() throws Exception {
        assertRefused(file(), 1, "the input has no requests");
    }

    @Test
    void onlyBlankLines_areRefused() throws Exception {
        assertRefused(file(utf8("\n  \n\t\r\n")), 1, "the input has no requests");
    }

    @Test
    void blankLinesAtTheEnd_areFine_butNotBeforeARequest() throws Exception {
        PlanResult ok = f.plan(file(line("a"), line("b"), utf8("\n \n\r\n")), PlanConfig.ofDefaults());
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.items()).isEqualTo(2);
        assertRefused(file(line("a"), utf8("\n"), line("b")), 2, "empty line");
    }

    @Test
    void whatIsAccepted_isWhatIsUploaded_canonicalJson() throws Exception {
        String spaced = "{ \"custom_id\" : \"a\", \"method\": \"POST\", \"url\": \"/v1/responses\",\t\"body\": "
                + "{\"model\": \"gpt-4.1-mini\", \"input\": \"caf\\u00e9\", \"max_output_tokens\": 40} }   ";
        PlanResult r = f.plan(file(utf8(spaced + "\r\n")), PlanConfig.ofDefaults());
        assertThat(r.accepted()).isTrue();
        String canonical = Json.write(Json.parse(spaced));
        assertThat(canonical).doesNotContain(" \"").contains("café");
        assertThat(f.ledger.chunkLines(r.runId(), 1)).containsExactly(canonical);
        RunOutcome o = f.runner(BatchFixture.fast()).drive(r.runId());
        assertThat(o).isEqualTo(new RunOutcome.Finished(r.runId(), 1, 0, false));
        assertThat(uploaded(r.runId())).isEqualTo(utf8(canonical + "\n"));
        assertThat(Files.readString(dir.resolve("runs")
                        .resolve(r.runId())
                        .resolve("chunks")
                        .resolve(Planner.chunkFileName(r.runId(), 1, 0))))
                .isEqualTo(canonical + "\n");
        assertThat(f.ledger.itemCounts(r.runId()).get(ItemState.SUCCEEDED)).isEqualTo(1);
    }
}
