package dev.keel.cli;

import dev.keel.config.Settings;
import dev.keel.core.TrafficClass;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.RealtimeSettings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keel realtime demo}: a scripted voice conversation (synthetic speech, a barge-in, a forced
 * disconnect and its recovery) that prints the phase timeline and the latency table per turn.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Run a scripted realtime conversation over WebSocket with ephemeral tokens.",
            "Two turns, a barge-in in the middle of an answer, a forced disconnect and its recovery. "
                    + "Prints the phase timeline and each turn's latency against the budgets. Without "
                    + "OPENAI_API_KEY it runs against the embedded emulator (answers streamed 4x real time)."
        })
final class RealtimeDemoCommand extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    UpstreamOptions upstream;

    @Option(names = "--model", description = "Realtime model (default: ${DEFAULT-VALUE}).")
    String model = "gpt-realtime";

    @Option(
            names = "--pace",
            description =
                    "Emulator only: how many times faster than real time answers stream (default: ${DEFAULT-VALUE}).")
    double pace = 4;

    @Override
    public Integer call() {
        var out = out();
        var err = err();
        var cfg = config.load(env);
        boolean sandbox = cfg.apiKey(TrafficClass.ONLINE) == null && cfg.get(Settings.BASE_URL) == null;
        Emulator emulator = null;
        try {
            if (sandbox) {
                emulator = Emulator.start(EmulatorConfig.builder()
                        .realtime(RealtimeSettings.ofDefaults()
                                .withAudioPace(pace)
                                .withAnswerDuration(Duration.ofMillis(2400)))
                        .build());
                err.println("keel: no OPENAI_API_KEY set; using the embedded emulator at " + emulator.baseUrl());
                err.flush();
                // the embedded emulator speaks h2c
                cfg = config.overridden(
                        env,
                        Map.of(
                                Settings.BASE_URL, emulator.baseUrl().toString(),
                                Settings.H2C, "true",
                                Settings.API_KEY, "sk-keel-sandbox"),
                        "the demo's embedded emulator");
            }
            try (var up = upstream.resolve(cfg, TrafficClass.ONLINE, env, err)) {
                var report = new RealtimeDemo(up.config(), model, out).run();
                return report.ok() ? ExitCodes.OK : ExitCodes.JOB_FAILURES;
            }
        } finally {
            if (emulator != null) {
                emulator.close();
            }
        }
    }
}
