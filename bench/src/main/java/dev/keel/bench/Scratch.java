package dev.keel.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A bench's scratch folder under the system's temporary folder, deleted with everything in it when
 * the bench ends (a 1M-line plan leaves about 1.8 GB of input, chunk files and ledger behind).
 */
final class Scratch implements AutoCloseable {

    private final Path dir;

    private Scratch(Path dir) {
        this.dir = dir;
    }

    static Scratch create(String prefix) throws IOException {
        return new Scratch(Files.createTempDirectory(prefix));
    }

    Path dir() {
        return dir;
    }

    /** Deletes the folder; what cannot be deleted is named on stderr, and the bench's result stands. */
    @Override
    public void close() {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("keel-bench: could not delete the scratch folder " + dir + ": " + e.getMessage());
        }
    }
}
