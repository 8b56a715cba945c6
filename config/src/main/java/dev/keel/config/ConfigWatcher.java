package dev.keel.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows a configuration file while a process runs: on each {@link #check()} it compares the
 * file's bytes with the last ones acted on. A change is acted on only once two checks in a row
 * read the same new bytes, so a file caught half-written (an editor or {@code Files.writeString}
 * truncates first, then writes; a truncated YAML file is often still valid YAML) is never applied;
 * until then the check says {@link Outcome.Settling}. Then the configuration is read again: one that
 * fails validation (or a file that is gone) is refused and the running one stays; a valid one has
 * its {@link Setting#live() live} settings applied, and the other changed keys are reported as
 * needing a restart. Thread-safe; the caller schedules the checks.
 */
public final class ConfigWatcher {

    /** What one check found. */
    public sealed interface Outcome {
        /** The file's bytes are the ones last acted on. */
        record Unchanged() implements Outcome {}

        /**
         * The file changed since the last check and may still be being written: nothing is done
         * until the next check reads the same bytes.
         */
        record Settling() implements Outcome {}

        /**
         * A new configuration was applied.
         *
         * @param applied the live keys whose values changed, now in effect
         * @param needRestart the other changed keys, still at their old values until a restart
         */
        record Applied(List<String> applied, List<String> needRestart) implements Outcome {}

        /** The new file was refused; the running configuration stays. */
        record Refused(String reason) implements Outcome {}
    }

    private final Path file;
    private final Supplier<KeelConfig> reread;
    private final Consumer<KeelConfig> apply;
    private KeelConfig current;
    private byte[] seen;
    private byte[] pending;
    private boolean pendingSet;

    /**
     * @param file the file to follow
     * @param initial the configuration the process started with
     * @param reread reads every source again (flags, environment, the file); throws {@link ConfigException}
     * @param apply told the configuration to run with after a change was applied
     */
    public ConfigWatcher(Path file, KeelConfig initial, Supplier<KeelConfig> reread, Consumer<KeelConfig> apply) {
        this.file = Objects.requireNonNull(file, "file");
        this.current = Objects.requireNonNull(initial, "initial");
        this.reread = reread;
        this.apply = apply;
        this.seen = bytes();
    }

    /** The configuration in effect now. */
    public synchronized KeelConfig current() {
        return current;
    }

    /** Looks at the file once. */
    public synchronized Outcome check() {
        byte[] now = bytes();
        if (Arrays.equals(now, seen)) {
            pendingSet = false;
            return new Outcome.Unchanged();
        }
        if (!pendingSet || !Arrays.equals(now, pending)) {
            pending = now;
            pendingSet = true;
            return new Outcome.Settling();
        }
        pendingSet = false;
        seen = now;
        if (now == null) {
            return new Outcome.Refused(file + ": the file is gone; keeping the running configuration");
        }
        KeelConfig next;
        try {
            next = reread.get();
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused(e.getMessage());
        }
        var changed = current.changedKeys(next);
        var live = changed.stream()
                .filter(k -> Settings.find(k).map(Setting::live).orElse(false))
                .toList();
        var restart = changed.stream().filter(k -> !live.contains(k)).toList();
        current = current.withLive(next);
        apply.accept(current);
        return new Outcome.Applied(live, restart);
    }

    /** The file's bytes, or null when it cannot be read. */
    private byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return null;
        }
    }
}
