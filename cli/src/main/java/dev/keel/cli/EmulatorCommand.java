package dev.keel.cli;

import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keel emulator}: runs the OpenAI-compatible emulator in the foreground until interrupted. */
@Command(
        name = "emulator",
        mixinStandardHelpOptions = true,
        description = {
            "Run the local OpenAI-compatible emulator (HTTP/1.1 and h2c) until Ctrl-C.",
            "Routes: /v1/responses (and background mode), /v1/chat/completions, /v1/embeddings, /v1/files,"
                    + " /v1/batches, /v1/models, /v1/realtime/client_secrets and the realtime WebSocket."
                    + " Any 'Authorization: Bearer <key>' is accepted unless --require-key. Requests are checked as"
                    + " the API checks them (unknown parameters 400, unknown models 404) unless --lenient."
                    + " Per-request faults: header 'x-keel-fault: status:503' (see --fault for the forms)."
        })
final class EmulatorCommand extends CliCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port = 0;

    @Option(names = "--host", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(
            names = "--require-key",
            description = "Accept only this bearer key (default: read from KEEL_EMULATOR_KEY; unset accepts any).",
            defaultValue = "${env:KEEL_EMULATOR_KEY}")
    String requiredKey;

    @Option(
            names = "--batch-speed",
            description = "Emulated seconds per real second for batches and background responses; 3600 runs a 24 h"
                    + " window in 24 s"
                    + " (default: ${DEFAULT-VALUE}).")
    double batchSpeed = 60;

    @Option(names = "--faults", paramLabel = "FILE", description = "Fault rules file (YAML): seed and rules.")
    Path faultsFile;

    @Option(
            names = "--fault",
            paramLabel = "ROUTE=FAULT[@P]",
            description = {
                "Add a fault rule, e.g. 'POST /v1/responses=status:503@0.2'. FAULT is one of: ok,",
                "status:CODE[,retry-after:S][,retry-after-ms:MS][,code:ERROR_CODE], latency:DURATION[..DURATION]",
                "(e.g. latency:200ms..2s), stall, reset, malformed, cut-stream:N, bad-sample:(missing-field|",
                "unknown-enum|wrong-type|invalid-json|refusal|incomplete), batch:(failed|expired|partial|",
                "error-only|line-failures:RATE)."
            })
    List<String> faults = new ArrayList<>();

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Keep files and batches in DIR (written atomically, loaded again at start), so they"
                    + " outlive the process as the API's do (default: memory only).")
    Path dataDir;

    @Option(names = "--seed", description = "Seed for probabilistic faults (default: the file's, else 0).")
    Long seed;

    @Option(
            names = "--rate-limit",
            paramLabel = "RPM:TPM",
            description =
                    "Enforce per-minute request and token limits, e.g. 60:100000 (default: reported, not enforced).")
    String rateLimit;

    @Option(
            names = "--realtime-pace",
            paramLabel = "X",
            description =
                    "Realtime WebSocket: stream answer audio X times faster than real time (default: ${DEFAULT-VALUE}).")
    double realtimePace = 1.0;

    @Option(
            names = "--realtime-max-session",
            paramLabel = "DURATION",
            defaultValue = "60m",
            description = "Realtime WebSocket: session_expired after this long (default: ${DEFAULT-VALUE}).")
    java.time.Duration realtimeMaxSession;

    @Option(
            names = "--storage-budget",
            paramLabel = "SIZE",
            description = {
                "Most bytes kept of uploaded files, batch output/error files, running batches' results and",
                "stored responses, together, e.g. 512m or 2g; past it the oldest are evicted and answer 404",
                "(default: a quarter of the heap, -Xmx)."
            })
    String storageBudget;

    @Option(
            names = "--lenient",
            description = "Accept unknown parameters and models (no request-schema or model checks), for quick"
                    + " experiments; the API would refuse such requests.")
    boolean lenient;

    @Option(
            names = "--model",
            paramLabel = "ID",
            description = "Also know this model (repeatable); by default the emulator knows keel's price table's"
                    + " models, their dated snapshots and ft: fine-tunes, and the realtime models.")
    List<String> models = new ArrayList<>();

    @Option(
            names = "--flex-latency",
            paramLabel = "DURATION",
            defaultValue = "100ms",
            description = "Extra wait before a service_tier \"flex\" request is answered (flex is slower; default:"
                    + " ${DEFAULT-VALUE}).")
    java.time.Duration flexLatency;

    @Option(
            names = "--webhook-url",
            paramLabel = "URL",
            description = "POST signed batch webhooks (batch.completed|failed|expired|cancelled, Standard Webhooks)"
                    + " to URL, retried on non-2xx; needs a secret (--webhook-secret or KEEL_EMULATOR_WEBHOOK_SECRET).")
    java.net.URI webhookUrl;

    @Option(
            names = "--webhook-secret",
            paramLabel = "SECRET",
            description = "The whsec_... secret webhooks are signed with (default: read from"
                    + " KEEL_EMULATOR_WEBHOOK_SECRET).",
            defaultValue = "${env:KEEL_EMULATOR_WEBHOOK_SECRET}")
    String webhookSecret;

    @Override
    public Integer call() throws InterruptedException {
        EmulatorConfig config = config();
        try (var emulator = Emulator.start(config)) {
            var out = out();
            out.println("keel emulator listening on " + emulator.baseUrl() + " (HTTP/1.1 and h2c; batch speed "
                    + config.batchSpeed() + "x; " + config.faults().rules().size() + " fault rules; storage budget "
                    + config.storageBudgetBytes() / EmulatorConfig.MB + " MB"
                    + (config.lenient() ? "; lenient: requests unchecked" : "")
                    + "). Ctrl-C stops it.");
            out.flush();
            awaitStop("keel-emulator-stop");
        }
        return ExitCodes.OK;
    }

    EmulatorConfig config() {
        FaultPlan plan = faultsFile == null ? FaultPlan.NONE : FaultPlan.load(faultsFile);
        var rules = faults.stream().map(FaultRule::parseFlag).toList();
        plan = new FaultPlan(seed != null ? seed : plan.seed(), plan.rules()).plus(rules);
        var b = EmulatorConfig.builder()
                .host(host)
                .port(port)
                .requiredKey(requiredKey == null || requiredKey.isBlank() ? null : requiredKey)
                .batchSpeed(batchSpeed)
                // Recorded requests are read only in-process (Emulator#requests, for tests); a standalone
                // emulator keeping 10,000 of them would only add garbage-collector work under load.
                .recordCapacity(0)
                .realtime(dev.keel.emulator.RealtimeSettings.ofDefaults()
                        .withAudioPace(realtimePace)
                        .withMaxSessionDuration(realtimeMaxSession))
                .faults(plan)
                .models(dev.keel.emulator.Models.ofDefaults().with(models))
                .lenient(lenient)
                .dataDir(dataDir)
                .flexLatency(flexLatency);
        if (webhookUrl != null) {
            if (webhookSecret == null || webhookSecret.isBlank()) {
                throw new IllegalArgumentException(
                        "--webhook-url needs a signing secret: pass --webhook-secret whsec_... or set"
                                + " KEEL_EMULATOR_WEBHOOK_SECRET");
            }
            try {
                b.webhooks(dev.keel.emulator.WebhookSettings.of(webhookUrl, webhookSecret));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--webhook-secret: " + e.getMessage(), e);
            }
        }
        if (storageBudget != null) {
            b.storageBudgetBytes(EmulatorOptions.bytes("--storage-budget", storageBudget));
        }
        if (rateLimit != null) {
            b.rateLimits(EmulatorOptions.rateLimits(rateLimit));
        }
        return b.build();
    }
}
