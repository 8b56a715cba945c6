package dev.keel.batch.plan;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a file line by line as bytes, so lines can be counted and measured. Accepts {@code \n} and
 * {@code \r\n}; a UTF-8 byte order mark at the start of the file is dropped (editors on Windows
 * write one; it is no part of the first line's JSON). Memory is bounded by the longest line read,
 * and a line longer than {@code maxLineBytes} is returned truncated (its length reported) rather
 * than held whole. Not thread-safe.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final int cap;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private byte[] line = new byte[1024];
    private long lineLength;
    private boolean first = true;

    LineReader(InputStream in, long maxLineBytes) {
        this.in = in;
        this.cap = (int) Math.min(Integer.MAX_VALUE - 8, maxLineBytes + 1);
    }

    /** The next line without its terminator, or null at the end; at most {@code maxLineBytes + 1} bytes kept. */
    byte[] next() throws IOException {
        int n = 0;
        lineLength = 0;
        boolean any = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? finish(n) : null;
                }
            }
            any = true;
            int start = pos;
            int end = start;
            while (end < limit && buf[end] != '\n') {
                end++;
            }
            int length = end - start;
            lineLength += length;
            int keep = Math.min(length, cap - n);
            if (keep > 0) {
                if (n + keep > line.length) {
                    line = Arrays.copyOf(line, Math.min(cap, Math.max(n + keep, line.length * 2)));
                }
                System.arraycopy(buf, start, line, n, keep);
                n += keep;
            }
            if (end < limit) {
                pos = end + 1;
                return finish(n);
            }
            pos = end;
        }
    }

    /** The full length of the line last returned, in bytes (it may have been truncated). */
    long lastLength() {
        return lineLength;
    }

    private byte[] finish(int n) {
        if (n > 0 && line[n - 1] == '\r' && lineLength == n) {
            n--;
            lineLength--;
        }
        if (first) {
            first = false;
            if (n >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB && (line[2] & 0xFF) == 0xBF) {
                lineLength -= 3;
                return Arrays.copyOfRange(line, 3, n);
            }
        }
        return Arrays.copyOf(line, n);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
