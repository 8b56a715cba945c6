package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.api.BatchListParams;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code keel emulator} as a child process, as a user starts it, with its flags (e.g. {@code --fault}),
 * and a keel client to look at what it holds. Close it after use.
 */
final class StandaloneEmulator implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (http://127\\.0\\.0\\.1:\\d+/v1)");

    private final Process process;
    final URI baseUrl;
    final KeelClient client;
    static final CallOptions BATCH = CallOptions.defaults().withTrafficClass(TrafficClass.BATCH);

    private StandaloneEmulator(Process process, URI baseUrl) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.client = KeelClient.builder(KeelClientConfig.builder("sk-test-standalone", baseUrl)
                        .trafficClass(TrafficClass.BATCH)
                        .build())
                .build();
    }

    static StandaloneEmulator start(Path log, String... flags) throws IOException {
        var cmd = new ArrayList<String>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                "-XX:TieredStopAtLevel=1",
                "dev.keel.cli.Main",
                "emulator",
                "--port",
                "0"));
        cmd.addAll(List.of(flags));
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofPlatform().daemon().start(() -> drain(out));
                return new StandaloneEmulator(p, URI.create(m.group(1)));
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("the emulator did not start; see " + log);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe empty
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    /** Every batch upstream (all pages) whose metadata names {@code runId}. */
    List<JsonNode> batchesOf(String runId) {
        var out = new ArrayList<JsonNode>();
        for (JsonNode b : client.batches().listAll(BatchListParams.all().withLimit(100), BATCH)) {
            if (runId.equals(b.path("metadata").path("keel_run").asText())) {
                out.add(b);
            }
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        client.close();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
