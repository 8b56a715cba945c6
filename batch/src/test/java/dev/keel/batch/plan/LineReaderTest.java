package dev.keel.batch.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineReaderTest {

    @Test
    void next_splitsOnNewlines_dropsCarriageReturnsAndTheByteOrderMark() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "first\r\nsecond\n\nlast without newline".getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, input, 0, 3);
        System.arraycopy(text, 0, input, 3, text.length);

        assertThat(lines(new ByteArrayInputStream(input), 1000))
                .containsExactly("first", "second", "", "last without newline");
    }

    @Test
    void next_aLineLongerThanTheLimit_isCutButItsLengthIsReported() throws IOException {
        String longLine = "x".repeat(5000);
        var reader = new LineReader(
                new ByteArrayInputStream((longLine + "\nshort\n").getBytes(StandardCharsets.UTF_8)), 100);

        byte[] first = reader.next();
        assertThat(first).hasSize(101);
        assertThat(reader.lastLength()).isEqualTo(5000);
        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("short");
        assertThat(reader.lastLength()).isEqualTo(5);
        assertThat(reader.next()).isNull();
    }

    @Test
    void next_linesAcrossReadBoundaries_comeBackWhole(@TempDir Path dir) throws IOException {
        List<String> expected = new ArrayList<>();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            String line = "line-" + i + "-" + "y".repeat(i % 211) + (i % 7 == 0 ? "\r" : "");
            expected.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            all.append(line).append('\n');
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.UTF_8);

        // Seven bytes per read: every line straddles reads, and the 64 KiB buffer is refilled mid-line.
        InputStream trickle = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 7));
            }
        };
        assertThat(lines(trickle, 10_000)).isEqualTo(expected);

        Path file = dir.resolve("in.jsonl");
        Files.write(file, bytes);
        assertThat(lines(Files.newInputStream(file), 10_000)).isEqualTo(expected);
    }

    @Test
    void next_aCrlfLineAtTheLimit_isNotCountedOverItByItsCarriageReturn() throws IOException {
        var reader = new LineReader(new ByteArrayInputStream("abc\r\nabcd\r\n".getBytes(StandardCharsets.UTF_8)), 3);

        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(reader.lastLength()).isEqualTo(3);
        // Over the limit: cut at limit + 1 bytes, the full length (carriage return included) reported.
        assertThat(new String(reader.next(), StandardCharsets.UTF_8)).isEqualTo("abcd");
        assertThat(reader.lastLength()).isEqualTo(5);
    }

    private static List<String> lines(InputStream in, long max) throws IOException {
        List<String> out = new ArrayList<>();
        try (var reader = new LineReader(in, max)) {
            for (byte[] l; (l = reader.next()) != null; ) {
                out.add(new String(l, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
