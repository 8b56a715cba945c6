package dev.keel.wire.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFilesTest {

    @TempDir
    Path dir;

    @Test
    void read_utf8Text_returnsItWithoutAByteOrderMark() throws Exception {
        Path f = dir.resolve("a.json");
        Files.write(f, ("\uFEFF{\"name\":\"café\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(TextFiles.read(f, "price file")).isEqualTo("{\"name\":\"café\"}");
    }

    @Test
    void read_invalidUtf8_namesTheFileAndTheByteOffset() throws Exception {
        Path f = dir.resolve("latin1.yaml");
        Files.write(f, new byte[] {'a', ':', ' ', (byte) 0xE9, '\n'});
        assertThatThrownBy(() -> TextFiles.read(f, "fault file"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(f + ": not UTF-8 text (byte 0xE9 at byte offset 3); save the fault file as UTF-8");
    }

    @Test
    void read_binaryFile_saysSoWithTheOffsetOfTheNul() throws Exception {
        Path f = dir.resolve("image.png");
        Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1});
        assertThatThrownBy(() -> TextFiles.read(f, "JSON schema file"))
                .hasMessage(f + ": a binary file, not a JSON schema file (a NUL byte at byte offset 4)");
    }

    @Test
    void read_fifo_isRefusedWithoutBlocking() throws Exception {
        Path fifo = dir.resolve("pipe");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mk.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mk.exitValue()).isZero();
        assertThatThrownBy(() -> TextFiles.read(fifo, "price file"))
                .hasMessageContaining(fifo + ": not a regular file (a FIFO, socket or device, which may never end)");
    }

    @Test
    void read_folderMissingOrTooLarge_areEachNamed() throws Exception {
        assertThatThrownBy(() -> TextFiles.read(dir, "keel.yaml"))
                .hasMessageContaining("not a regular file (a folder)");
        assertThatThrownBy(() -> TextFiles.read(dir.resolve("nope.yaml"), "keel.yaml"))
                .hasMessageStartingWith(dir.resolve("nope.yaml") + ": no such keel.yaml");
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[2048]);
        assertThatThrownBy(() -> TextFiles.read(big, "schema", 1024))
                .hasMessage(big + ": 2048 bytes, more than the 1024 a schema may have");
    }

    @Test
    void read_deviceThatNeverEnds_isRefused() {
        assertThatThrownBy(() -> TextFiles.read(Path.of("/dev/zero"), "price file"))
                .hasMessageContaining("not a regular file");
    }
}
