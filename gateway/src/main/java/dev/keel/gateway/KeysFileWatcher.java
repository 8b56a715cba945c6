package dev.keel.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies edits of the gateway keys file while the gateway runs: every interval the file is read
 * and, when its bytes changed and the next read finds the same bytes (so a file caught half-written
 * is never judged), checked whole; a file that passes replaces the keys in force at once
 * (the log names the key ids added, revoked, removed or changed — never a secret or its hash), one
 * that fails is refused with its {@code file:line} message and the keys in force stay. A missing
 * file (an editor's rename in progress, a deleted mount) keeps them too. Thread-safe; one daemon
 * thread.
 */
final class KeysFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeysFileWatcher.class);

    private final Path file;
    private final KeyLimits defaults;
    private final AtomicReference<GatewayKeys> keys;
    private final ScheduledExecutorService timer;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private byte[] seen;
    private byte[] pending;

    /**
     * @param keys the keys in force, loaded from {@code file} with {@code defaults}; replaced on a good edit
     */
    KeysFileWatcher(Path file, KeyLimits defaults, AtomicReference<GatewayKeys> keys, Duration interval) {
        this.file = file;
        this.defaults = defaults;
        this.keys = keys;
        this.seen = digest(read());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-gateway-keys");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::check, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The message of the last edit that was refused, while it is the file's current content. */
    Optional<String> problem() {
        return Optional.ofNullable(problem.get());
    }

    /** Looks at the file once (the timer calls it; tests may too). */
    synchronized void check() {
        try {
            byte[] text = read();
            if (text == null) {
                return;
            }
            byte[] d = digest(text);
            if (Arrays.equals(d, seen)) {
                pending = null;
                return;
            }
            if (!Arrays.equals(d, pending)) {
                pending = d; // may still be being written: judged when the next read agrees
                return;
            }
            pending = null;
            seen = d;
            GatewayKeys before = keys.get();
            GatewayKeys next;
            try {
                next = GatewayKeys.parse(file, new String(text, StandardCharsets.UTF_8), defaults);
            } catch (IllegalArgumentException e) {
                problem.set(e.getMessage());
                LOG.warn(
                        "gateway keys file edit refused, the {} key(s) in force stay: {}",
                        before.size(),
                        e.getMessage());
                return;
            }
            keys.set(next);
            problem.set(null);
            LOG.info(
                    "gateway keys file {} applied: {} key(s) in force; {}",
                    file,
                    next.size(),
                    next.changesSince(before));
        } catch (RuntimeException e) {
            LOG.warn("gateway keys file {} could not be checked, the keys in force stay: {}", file, e.toString());
        }
    }

    private byte[] read() {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("gateway keys file {} cannot be read, the keys in force stay: {}", file, e.getMessage());
            return null;
        }
    }

    private static byte[] digest(byte[] text) {
        if (text == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(text);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
