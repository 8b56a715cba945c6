package dev.keel.springboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The ticket schemas of {@code examples/structured-tickets} (v1, v2), copied into a folder of the test's own. */
final class TestSchemas {

    private static final Path SOURCE = Path.of("../examples/structured-tickets/schemas/ticket");

    private TestSchemas() {}

    /** {@code dir/ticket/v1.json} and {@code v2.json}; returns {@code dir}. */
    static Path copyTo(Path dir) {
        try {
            Path ticket = Files.createDirectories(dir.resolve("ticket"));
            for (String v : new String[] {"v1.json", "v2.json"}) {
                Files.copy(SOURCE.resolve(v), ticket.resolve(v));
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Also a second schema, so the folder holds two. */
    static Path withSecondSchema(Path dir) {
        try {
            Path other = Files.createDirectories(dir.resolve("invoice"));
            Files.copy(SOURCE.resolve("v1.json"), other.resolve("v1.json"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rootMessage(Throwable t) {
        var sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
