package dev.keel.emulator.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The emulator's optional data directory: one file per stored object under a folder per kind
 * ({@code files/}, {@code batches/}), each written to a temporary file, forced to disk and renamed
 * over the old one, so a process killed at any moment (SIGKILL) leaves every object either as it
 * was or as it became, never half-written. {@link #NONE} keeps nothing (the in-memory emulator).
 * Thread-safe: writes of one object are serialised by its store; different objects never share a
 * file.
 */
public final class DataDir {

    /** No data directory: nothing is written, nothing is loaded. */
    public static final DataDir NONE = new DataDir(null);

    private final Path root;

    private DataDir(Path root) {
        this.root = root;
    }

    /**
     * A data directory at {@code root}, created when missing.
     *
     * @throws UncheckedIOException when it cannot be created, naming the folder
     */
    public static DataDir at(Path root) {
        if (root == null) {
            return NONE;
        }
        try {
            Files.createDirectories(root.resolve("files"));
            Files.createDirectories(root.resolve("batches"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the emulator data directory " + root + ": " + e, e);
        }
        return new DataDir(root);
    }

    /** Whether objects are kept on disk. */
    public boolean enabled() {
        return root != null;
    }

    /** Writes {@code bytes} as object {@code id} of {@code kind}, atomically; no-op without a directory. */
    void write(String kind, String id, byte[] bytes) {
        if (root == null) {
            return;
        }
        Path target = root.resolve(kind).resolve(id);
        Path tmp = root.resolve(kind).resolve("." + id + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(
                    tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                var buf = java.nio.ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + " in the emulator data directory: " + e, e);
        }
    }

    /** Deletes object {@code id} of {@code kind}; no-op when absent or without a directory. */
    void delete(String kind, String id) {
        if (root == null) {
            return;
        }
        try {
            Files.deleteIfExists(root.resolve(kind).resolve(id));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + id + " in the emulator data directory: " + e, e);
        }
    }

    /**
     * Every stored object of {@code kind} (temporary files of an interrupted write are skipped and
     * removed); empty without a directory.
     */
    List<byte[]> readAll(String kind) {
        var all = new ArrayList<byte[]>();
        if (root == null) {
            return all;
        }
        try (Stream<Path> s = Files.list(root.resolve(kind))) {
            for (Path p : s.sorted().toList()) {
                if (p.getFileName().toString().startsWith(".")) {
                    Files.deleteIfExists(p);
                } else {
                    all.add(Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the emulator data directory " + root + ": " + e, e);
        }
        return all;
    }

    @Override
    public String toString() {
        return root == null ? "none" : root.toString();
    }
}
