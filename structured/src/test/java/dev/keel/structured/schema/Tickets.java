package dev.keel.structured.schema;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the checked-in ticket example lives: {@code examples/structured-tickets} at the repository root. */
public final class Tickets {

    public static final Path EXAMPLE = find();
    public static final Path SCHEMAS = EXAMPLE.resolve("schemas");
    public static final Path CORPUS = EXAMPLE.resolve("corpus");

    private Tickets() {}

    private static Path find() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("examples/structured-tickets");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "examples/structured-tickets not found above " + Path.of("").toAbsolutePath());
    }
}
