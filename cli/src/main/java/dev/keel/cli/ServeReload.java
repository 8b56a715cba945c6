package dev.keel.cli;

import dev.keel.config.ConfigWatcher;
import dev.keel.config.KeelConfig;
import dev.keel.config.Settings;
import dev.keel.core.KeelClient;
import dev.keel.core.TrafficClass;
import dev.keel.realtime.token.TokenService;
import java.io.PrintWriter;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code keel serve}'s reload: checks {@code keel.yaml} every {@code serve.reload-interval} (a
 * schedule on one daemon thread), applies the live keys of a valid new file (in-flight limit,
 * degrade fallback model, per-user token rate, the structured-output rollout) and prints one line
 * saying what it applied, what needs a restart, or why it refused the file (the running
 * configuration stays). Thread-safe.
 */
final class ServeReload implements AutoCloseable {

    private final ScheduledExecutorService scheduler;
    private final ConfigWatcher watcher;
    private final PrintWriter err;

    private ServeReload(ScheduledExecutorService scheduler, ConfigWatcher watcher, PrintWriter err) {
        this.scheduler = scheduler;
        this.watcher = watcher;
        this.err = err;
    }

    /** Starts following the file {@code config} read; nothing to follow without one. */
    static ServeReload start(ConfigOption config, KeelConfig initial, PrintWriter err, Consumer<KeelConfig> apply) {
        if (config.file().isEmpty()) {
            return new ServeReload(null, null, err);
        }
        var watcher = new ConfigWatcher(config.file().get(), initial, config::reread, apply);
        var scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keel-config-reload");
            t.setDaemon(true);
            return t;
        });
        var reload = new ServeReload(scheduler, watcher, err);
        long ms = initial.get(Settings.SERVE_RELOAD).toMillis();
        scheduler.scheduleWithFixedDelay(reload::checkNow, ms, ms, TimeUnit.MILLISECONDS);
        return reload;
    }

    /** One check, and its line on stderr when something happened. */
    void checkNow() {
        String line;
        try {
            line = describe(watcher.check());
        } catch (RuntimeException e) {
            // a failure to apply must not end the schedule: say so and keep following the file
            line = "keel: config reload failed while applying: " + e.getMessage();
        }
        if (line != null) {
            synchronized (err) {
                err.println(line);
                err.flush();
            }
        }
    }

    /** The line for an outcome, or null when the file did not change. */
    static String describe(ConfigWatcher.Outcome outcome) {
        return switch (outcome) {
            case ConfigWatcher.Outcome.Unchanged u -> null;
            case ConfigWatcher.Outcome.Settling s -> null; // acted on at the next check
            case ConfigWatcher.Outcome.Refused r ->
                "keel: config reload refused, keeping the running configuration: "
                        + r.reason().replace("\n", "; ");
            case ConfigWatcher.Outcome.Applied a ->
                "keel: config reloaded: "
                        + (a.applied().isEmpty() ? "nothing live changed" : "applied " + String.join(", ", a.applied()))
                        + (a.needRestart().isEmpty()
                                ? ""
                                : "; needs a restart (not applied): " + String.join(", ", a.needRestart()));
        };
    }

    /** Applies what changed between {@code before} and {@code next} to the running parts. */
    static void apply(
            KeelConfig before, KeelConfig next, KeelClient client, TokenService tokens, StructuredSection structured) {
        if (before.inFlight(TrafficClass.ONLINE) != next.inFlight(TrafficClass.ONLINE)) {
            client.setInFlightLimit(next.inFlight(TrafficClass.ONLINE));
        }
        if (!Objects.equals(before.get(Settings.DEGRADE_FALLBACK_MODEL), next.get(Settings.DEGRADE_FALLBACK_MODEL))) {
            client.setFallbackModel(next.get(Settings.DEGRADE_FALLBACK_MODEL));
        }
        if (!Objects.equals(before.get(Settings.TOKEN_RATE), next.get(Settings.TOKEN_RATE))) {
            tokens.limiter().setPerMinute(next.get(Settings.TOKEN_RATE));
        }
        structured.reload();
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
