package dev.keel.batch;

import dev.keel.batch.ledger.Database;
import dev.keel.batch.ledger.Ledger;
import dev.keel.batch.ledger.RunHistory;
import dev.keel.batch.plan.PlanConfig;
import dev.keel.batch.plan.PlanResult;
import dev.keel.batch.plan.Planner;
import dev.keel.batch.plan.RunInput;
import dev.keel.batch.run.BatchRunner;
import dev.keel.batch.run.ProgressListener;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.batch.run.RunConfig;
import dev.keel.core.KeelClient;
import dev.keel.core.KeelClientConfig;
import dev.keel.core.TrafficClass;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.time.Sleeper;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.emulator.fault.FaultEffect;
import dev.keel.emulator.fault.FaultPlan;
import dev.keel.emulator.fault.FaultRule;
import dev.keel.emulator.fault.FaultSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A real emulator on loopback, a real ledger (SQLite file or a PostgreSQL URL), keel's clients and a
 * runner, for tests. Close it after use.
 */
public final class BatchFixture implements AutoCloseable {

    public final Emulator emulator;
    public final Ledger ledger;
    public final Path dir;
    public final KeelClient client;
    public final PriceTable prices = PriceTable.builtIn();

    public BatchFixture(Path dir, String jdbcUrl) {
        this(dir, jdbcUrl, 20_000);
    }

    /** A fixture whose emulator runs batches at {@code batchSpeed} emulated seconds per second. */
    public BatchFixture(Path dir, String jdbcUrl, double batchSpeed) {
        this.dir = dir;
        this.emulator =
                Emulator.start(EmulatorConfig.builder().batchSpeed(batchSpeed).build());
        this.ledger = new Ledger(Database.open(jdbcUrl));
        var config = KeelClientConfig.builder("sk-test-batch", emulator.baseUrl())
                .trafficClass(TrafficClass.BATCH)
                .build();
        this.client = KeelClient.builder(config).build();
    }

    /** What the ledger holds of a run's results, attempts and items. */
    public RunHistory history() {
        return new RunHistory(ledger);
    }

    /** SQLite in {@code dir}. */
    public static BatchFixture sqlite(Path dir) {
        return new BatchFixture(dir, "jdbc:sqlite:" + dir.resolve("keel.db"));
    }

    /** Scripts the batch outcomes of the next creates, e.g. {@code "batch:partial", "ok"}. */
    public void batchOutcomes(String... faults) {
        script("POST /v1/batches", faults);
    }

    /** Scripts the answers to the next requests on {@code route}, in order, e.g. {@code "ok", "status:413"}. */
    public void script(String route, String... faults) {
        List<FaultEffect> script = Arrays.stream(faults).map(FaultSpec::parse).toList();
        emulator.replaceFaults(new FaultPlan(1, List.of(FaultRule.scripted(route, script))));
    }

    /** Writes {@code n} Responses lines {@code item-1..n} (or the given lines) to a file. */
    public Path input(String name, int n) {
        var lines = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            lines.add(responsesLine("item-" + i, "Summarise ticket " + i));
        }
        return write(name, lines);
    }

    public Path write(String name, List<String> lines) {
        try {
            Path p = dir.resolve(name);
            Files.write(p, lines);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String responsesLine(String customId, String input) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                + "{\"model\":\"gpt-4.1-mini\",\"input\":\"" + input + "\",\"max_output_tokens\":40}}";
    }

    public PlanResult plan(Path input, PlanConfig config) {
        RunInput in = RunInput.of(input);
        return new Planner(config, prices, ledger, Clock.systemUTC())
                .plan(in, dir.resolve("runs").resolve(in.runId()));
    }

    public BatchRunner runner(RunConfig config) {
        return runner(config, ReplayPolicy.ofDefaults(), Clock.systemUTC());
    }

    /** A runner with its own replay policy and clock. */
    public BatchRunner runner(RunConfig config, ReplayPolicy policy, Clock clock) {
        return new BatchRunner(ledger, client, prices, policy, config, clock, Sleeper.SYSTEM, ProgressListener.NONE);
    }

    /** Defaults with a 20 ms poll interval. */
    public static RunConfig fast() {
        return RunConfig.ofDefaults().withPollInterval(Duration.ofMillis(20));
    }

    /** How many batches the emulator was asked to create. */
    public int creates() {
        return emulator.requests("POST", "/v1/batches").size();
    }

    @Override
    public void close() {
        client.close();
        emulator.close();
    }
}
