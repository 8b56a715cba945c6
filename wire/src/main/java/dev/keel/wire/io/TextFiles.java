package dev.keel.wire.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Reads a text file a person named (a configuration, a schema, a price table, fault rules) as UTF-8,
 * refusing what is not one with a message that names the file and says what to do: a missing file, a
 * FIFO, device or folder (which could block or never end), a file over the size bound, a binary file
 * (a NUL byte, with its offset) and invalid UTF-8 (with the byte offset). A leading byte order mark is
 * dropped. Stateless and thread-safe.
 */
public final class TextFiles {

    /** The default bound: configuration, schema and price files are far smaller. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    private TextFiles() {}

    /** {@link #read(Path, String, long)} with {@link #DEFAULT_MAX_BYTES}. */
    public static String read(Path file, String what) {
        return read(file, what, DEFAULT_MAX_BYTES);
    }

    /**
     * The file's text.
     *
     * @param what what the file is for, e.g. "price file", used in messages
     * @throws IllegalArgumentException when the file is missing, not a regular file, larger than {@code
     *     maxBytes}, binary or not UTF-8, or cannot be read; the message starts with the file
     */
    public static String read(Path file, String what, long maxBytes) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + ": no such " + what + " (" + file.toAbsolutePath() + "); check the path");
        }
        if (!attrs.isRegularFile()) {
            throw new IllegalArgumentException(file + ": not a regular file ("
                    + (attrs.isDirectory() ? "a folder" : "a FIFO, socket or device, which may never end")
                    + "); give the path of a " + what);
        }
        if (attrs.size() > maxBytes) {
            throw new IllegalArgumentException(
                    file + ": " + attrs.size() + " bytes, more than the " + maxBytes + " a " + what + " may have");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the " + what + ": " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException(file + ": more than the " + maxBytes + " bytes a " + what + " may have");
        }
        return decode(file, what, bytes);
    }

    /**
     * {@code bytes} as UTF-8 text, without a leading byte order mark.
     *
     * @throws IllegalArgumentException for a NUL byte or invalid UTF-8, with the byte offset
     */
    public static String decode(Object source, String what, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new IllegalArgumentException(
                        source + ": a binary file, not a " + what + " (a NUL byte at byte offset " + i + ")");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int offset = in.position();
            throw new IllegalArgumentException(String.format(
                    "%s: not UTF-8 text (byte 0x%02X at byte offset %d); save the %s as UTF-8",
                    source, bytes[offset] & 0xFF, offset, what));
        }
        decoder.flush(out);
        out.flip();
        String text = out.toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
