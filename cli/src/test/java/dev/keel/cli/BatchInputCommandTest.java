package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.testing.TestPostgres;
import dev.keel.emulator.Emulator;
import dev.keel.emulator.EmulatorConfig;
import dev.keel.wire.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keel batch run} on edited and careless inputs (issue 14, points 4, 5 and 8), in-process
 * against an emulator over real sockets: reuse of earlier answers and {@code --no-reuse}, counted
 * by the emulator's own batch-create requests and request counts; refusals with exit 2 and
 * file:line on SQLite and PostgreSQL.
 */
class BatchInputCommandTest {

    @TempDir
    Path dir;

    private Emulator emulator;
    private final CliHarness cli = new CliHarness();
    private String db;

    @BeforeEach
    void start() {
        emulator = Emulator.start(EmulatorConfig.builder().batchSpeed(20_000).build());
        db = "jdbc:sqlite:" + dir.resolve("keel.db");
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private int keel(String... args) {
        var all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--db", db, "--run-dir", dir.resolve("runs").toString()));
        all.addAll(List.of("--base-url", emulator.baseUrl().toString(), "--poll-interval", "20ms"));
        return cli.run(all);
    }

    private static String line(String customId) {
        return "{\"custom_id\":\"" + customId + "\",\"method\":\"POST\",\"url\":\"/v1/responses\",\"body\":"
                + "{\"model\":\"gpt-4.1-mini\",\"input\":\"ticket " + customId + "\",\"max_output_tokens\":30}}";
    }

    private Path write(List<String> lines) throws Exception {
        Path p = dir.resolve("in.jsonl");
        Files.write(p, lines);
        return p;
    }

    private List<String> lines(int n) {
        var l = new ArrayList<String>();
        for (int i = 1; i <= n; i++) {
            l.add(line("t-" + i));
        }
        return l;
    }

    /** Requests the emulator ran in batches, by its own count: sum of request_counts.total. */
    private long upstreamItems() {
        return emulator.requests("POST", "/v1/batches").size() == 0 ? 0 : listedTotal();
    }

    private long listedTotal() {
        long n = 0;
        var cl = dev.keel.core.KeelClient.builder(
                        dev.keel.core.KeelClientConfig.builder("sk-test-x", emulator.baseUrl())
                                .build())
                .build();
        try (cl) {
            for (JsonNode b : cl.batches()
                    .listAll(dev.keel.core.api.BatchListParams.all(), dev.keel.core.CallOptions.defaults())) {
                n += b.path("request_counts").path("total").asLong();
            }
        }
        return n;
    }

    @Test
    void run_afterAppendingALine_submitsOnlyIt_andSaysHowManyItReused_noReuseSubmitsAll() throws Exception {
        assertThat(keel("batch", "run", write(lines(5)).toString())).isZero();
        assertThat(upstreamItems()).isEqualTo(5);

        assertThat(keel("batch", "run", write(lines(6)).toString(), "--format", "json"))
                .isZero();
        assertThat(cli.err()).contains("6 items in 1 chunks, 5 reused from earlier runs");
        JsonNode report = Json.parse(cli.out());
        assertThat(report.at("/items/reused").asInt()).isEqualTo(5);
        assertThat(report.at("/items/input").asInt()).isEqualTo(6);
        assertThat(upstreamItems()).as("one new upstream item").isEqualTo(6);
        String runId = report.path("run_id").asText();
        assertThat(Files.readAllLines(dir.resolve("runs").resolve(runId).resolve("results.jsonl")))
                .hasSize(6);

        assertThat(keel("batch", "run", write(lines(6)).toString(), "--new-run", "--no-reuse"))
                .isZero();
        assertThat(cli.err()).doesNotContain("reused from earlier runs");
        assertThat(upstreamItems()).as("--no-reuse resubmits every item").isEqualTo(12);
    }

    @Test
    void run_warnsOncePerCustomIdWhoseRequestChanged() throws Exception {
        assertThat(keel("batch", "run", write(lines(3)).toString())).isZero();
        List<String> edited = lines(3);
        edited.set(1, line("t-2").replace("ticket t-2", "ticket two, edited"));
        Path in = write(edited);
        assertThat(keel("batch", "run", in.toString())).isZero();
        assertThat(cli.err())
                .contains("keel: warning: " + in + ":2: t-2: run run-")
                .contains("different request; it is submitted again")
                .contains("2 reused from earlier runs");
        assertThat(upstreamItems()).isEqualTo(4);
    }

    @Test
    void run_refusesAnEmptyInputWithExitTwo() throws Exception {
        assertThat(keel("batch", "run", write(List.of("", "  ")).toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(":1: -: the input has no requests").contains("the input was refused");
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
    }

    @Test
    void run_refusesTrailingGarbageWithFileLineAndExitTwo() throws Exception {
        Path in = write(List.of(line("a"), line("b") + "\u0000\u0000"));
        assertThat(keel("batch", "run", in.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(in + ":2: -: trailing bytes after the JSON value");
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
    }

    @Test
    void run_refusesABadCustomIdWithExitTwo_onSqliteAndPostgres() throws Exception {
        Path in = write(List.of(line("ok"), line("x".repeat(600)), line("nul\\u0000id")));
        assertThat(keel("batch", "run", in.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        String sqlite = cli.err();
        try (var pg = TestPostgres.createSchema()) {
            db = pg.jdbcUrl();
            assertThat(keel("batch", "run", in.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        }
        for (String e : List.of(sqlite, cli.err())) {
            assertThat(e)
                    .contains(in + ":2: " + "x".repeat(80)
                            + "…: custom_id is 600 characters, over the 512-character limit")
                    .contains(in + ":3: nul\\u0000id: custom_id has the control character U+0000")
                    .doesNotContain("\u0000");
        }
        assertThat(emulator.requests("POST", "/v1/files")).isEmpty();
    }
}
