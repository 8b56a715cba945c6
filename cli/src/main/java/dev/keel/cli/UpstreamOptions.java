package dev.keel.cli;

import dev.keel.config.KeelConfig;
import dev.keel.config.Origin;
import dev.keel.config.Settings;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where calls go, shared by every command that calls upstream: the flags here are read through the
 * {@link ConfigOption configuration} (flags, then the OpenAI SDK variables {@code OPENAI_API_KEY},
 * {@code OPENAI_BASE_URL}, {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID} and {@code KEEL_*}, then
 * keel.yaml); with no key and no base URL, the embedded emulator (sandbox), announced in one line.
 */
final class UpstreamOptions {

    @Option(
            names = "--base-url",
            paramLabel = "URL",
            description =
                    "Any OpenAI-compatible base URL (key upstream.base-url; default: OPENAI_BASE_URL, else the real API with a key, else the embedded emulator).")
    URI baseUrl;

    @Option(
            names = "--h2c",
            description = "Speak cleartext HTTP/2 (prior knowledge) to a plain-http --base-url known to support it."
                    + " Without it plain-http URLs get HTTP/1.1, which every OpenAI-compatible server speaks;"
                    + " https URLs always negotiate (h2 preferred). Key upstream.h2c.")
    boolean h2c;

    @Option(
            names = "--business-timeout",
            paramLabel = "DURATION",
            description = "A call's whole budget, retries included (key timeouts.business; default: 30s).")
    Duration businessTimeout;

    @Option(
            names = "--per-call-timeout",
            paramLabel = "DURATION",
            description =
                    "One attempt's cap; must be shorter than the business timeout (key timeouts.per-call; default: 25s).")
    Duration perCallTimeout;

    @Option(
            names = "--no-sandbox",
            description = "Refuse to fall back to the embedded emulator when no OPENAI_API_KEY is set (exit 2);"
                    + " KEEL_REQUIRE_API_KEY=1 does the same, e.g. for CI jobs whose secret may be missing.")
    boolean noSandbox;

    @Option(
            names = "--in-flight",
            paramLabel = "N",
            description = "Calls in flight at once (key traffic.online.in-flight, under keel batch"
                    + " traffic.batch.in-flight; default: 64).")
    Integer inFlight;

    /**
     * Where the embedded emulator keeps its files and batches (so they outlive the process), or null
     * to keep them in memory; set by the commands that keep a ledger, not an option.
     */
    java.nio.file.Path sandboxData;

    /** Which upstream the command ended up using. */
    enum Mode {
        SANDBOX,
        OPENAI,
        CUSTOM
    }

    /** A configuration and, in sandbox mode, the emulator behind it (close it when done). */
    record Upstream(KeelClientConfig config, Mode mode, Emulator sandbox) implements AutoCloseable {
        /** {@code sandbox} for the embedded emulator, else the base URL (as a ledger records it). */
        String label() {
            return mode == Mode.SANDBOX ? "sandbox" : config.baseUrl().toString();
        }

        @Override
        public void close() {
            if (sandbox != null) {
                sandbox.close();
            }
        }
    }

    /**
     * Resolves the upstream from the configuration (flags, environment, keel.yaml): with no key and
     * no base URL, the embedded emulator.
     *
     * @param env read for {@code KEEL_SANDBOX_FAULTS} only; everything else comes from {@code cfg}
     * @throws IllegalArgumentException when the sandbox is forbidden, saying by what
     */
    Upstream resolve(KeelConfig cfg, TrafficClass traffic, Map<String, String> env, PrintWriter err) {
        String key = cfg.apiKey(traffic);
        URI base = cfg.get(Settings.BASE_URL);
        if (key == null && base == null) {
            if (cfg.get(Settings.REQUIRE_API_KEY)) {
                throw new IllegalArgumentException("no OPENAI_API_KEY is set and " + forbidder(cfg)
                        + " forbids the embedded emulator; set OPENAI_API_KEY (or --base-url for another server)");
            }
            Emulator emulator =
                    // recordCapacity 0: recorded requests are for in-process tests; nothing here reads them.
                    Emulator.start(EmulatorConfig.builder()
                            .batchSpeed(3600)
                            .recordCapacity(0)
                            .dataDir(sandboxData)
                            .faults(sandboxFaults(env))
                            .build());
            err.println("keel: no OPENAI_API_KEY set; using the embedded emulator at " + emulator.baseUrl()
                    + " (sandbox: answers are emulated; --no-sandbox forbids this)");
            err.flush();
            // The embedded emulator is known to speak h2c: the sandbox uses it, as the benchmarks do.
            var sandbox = cfg.clientConfig(traffic, "sk-keel-sandbox", emulator.baseUrl())
                    .pool(cfg.pool().withHttp2(true).withH2c(true));
            return new Upstream(sandbox.build(), Mode.SANDBOX, emulator);
        }
        URI target = base != null ? base : KeelClientConfig.OPENAI;
        var b = cfg.clientConfig(traffic, key != null ? key : "sk-local", target);
        return new Upstream(b.build(), target.equals(KeelClientConfig.OPENAI) ? Mode.OPENAI : Mode.CUSTOM, null);
    }

    /** What set upstream.require-api-key, as the message names it. */
    private static String forbidder(KeelConfig cfg) {
        Origin o = cfg.origin(Settings.REQUIRE_API_KEY);
        return switch (o.kind()) {
            case FLAG -> o.where();
            case ENV -> o.where() + "=1";
            default -> Settings.REQUIRE_API_KEY.key() + " (" + o + ")";
        };
    }

    /**
     * Faults for the embedded emulator from {@code KEEL_SANDBOX_FAULTS}: rules in the {@code keel
     * emulator --fault} form separated by {@code ;} (e.g. {@code POST /v1/batches=batch:partial@0.3}),
     * seeded with 1; none when unset. For demos and crash drills of the default mode.
     *
     * @throws IllegalArgumentException naming the variable and the rule that is wrong
     */
    static dev.keel.emulator.fault.FaultPlan sandboxFaults(Map<String, String> env) {
        String text = nonBlank(env.get("KEEL_SANDBOX_FAULTS"));
        if (text == null) {
            return dev.keel.emulator.fault.FaultPlan.NONE;
        }
        var rules = new java.util.ArrayList<dev.keel.emulator.fault.FaultRule>();
        for (String rule : text.split(";")) {
            if (rule.isBlank()) {
                continue;
            }
            try {
                rules.add(dev.keel.emulator.fault.FaultRule.parseFlag(rule.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("KEEL_SANDBOX_FAULTS: " + e.getMessage(), e);
            }
        }
        return new dev.keel.emulator.fault.FaultPlan(1, rules);
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
