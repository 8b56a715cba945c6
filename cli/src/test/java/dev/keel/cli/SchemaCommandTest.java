package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.keel.wire.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keel schema lint / diff / replay-corpus and serve's structured_output section, run in-process. */
class SchemaCommandTest {

    private static final Path EXAMPLE = example();

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    @Test
    void lint_cleanSchema_exits0() {
        assertThat(cli.run(
                        "schema",
                        "lint",
                        EXAMPLE.resolve("schemas/ticket/v2.json").toString()))
                .isZero();
        assertThat(cli.out()).contains("OK 1 file(s): 0 error(s), 0 warning(s)");
    }

    @Test
    void lint_brokenSchema_exits1_printingEachFindingWithItsPointer() throws Exception {
        Path bad = write("bad.json", """
                {"type":"object","properties":{"a":{"type":"string","default":"x"}},"required":[]}""");
        assertThat(cli.run("schema", "lint", bad.toString())).isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(cli.out())
                .contains(bad + ": ERROR /: every object needs \"additionalProperties\": false")
                .contains(bad + ": ERROR /properties/a: property \"a\" must be listed in \"required\"")
                .contains(bad + ": ERROR /properties/a/default:")
                .contains("FAIL 1 file(s): 3 error(s), 1 warning(s)");
    }

    @Test
    void lint_notJson_exits2NamingFileLineAndColumn() throws Exception {
        Path bad = write("broken.json", "{\"type\": ");
        assertThat(cli.run("schema", "lint", bad.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).startsWith("keel: " + bad + ":");
    }

    @Test
    void lint_notUtf8OrAFifo_exits2NamingTheFileAndWhy() throws Exception {
        Path latin1 = dir.resolve("latin1.json");
        Files.write(latin1, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        assertThat(cli.run("schema", "lint", latin1.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(latin1 + ": not UTF-8 text (byte 0xE9 at byte offset 2)");
        Path fifo = dir.resolve("pipe.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        assertThat(cli.run("schema", "lint", fifo.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(fifo + ": not a regular file");
    }

    @Test
    void diff_ticketV1ToV2_exits1_printingRequiredAddedPriorityWithACounterexample() {
        assertThat(cli.run(
                        "schema",
                        "diff",
                        EXAMPLE.resolve("schemas/ticket/v1.json").toString(),
                        EXAMPLE.resolve("schemas/ticket/v2.json").toString()))
                .isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(cli.out())
                .contains("REQUIRED_ADDED(priority) at /properties/priority: new required property (consumers HIGH,"
                        + " in-flight HIGH, BREAKING)")
                .contains("  example accepted by old, rejected by new: {\"schema_version\":\"v1\"")
                .contains("BREAKING 3 change(s), 2 breaking");
    }

    @Test
    void diff_onlyDescriptionChanged_exits0() throws Exception {
        Path a = write("a.json", "{\"type\":\"object\",\"description\":\"x\"}");
        Path b = write("b.json", "{\"type\":\"object\",\"description\":\"y\"}");
        assertThat(cli.run("schema", "diff", a.toString(), b.toString())).isZero();
        assertThat(cli.out()).contains("DESCRIPTION_CHANGED($)", "OK 1 change(s), 0 breaking");
    }

    @Test
    void replayCorpus_ticketCorpus_exits0_printingTheModeDistribution() {
        assertThat(cli.run("schema", "replay-corpus", EXAMPLE.resolve("corpus").toString()))
                .isZero();
        assertThat(cli.out())
                .containsPattern("invalid-json.txt\\s+summary\\s+invalid_json\\s+ok")
                .containsPattern("unknown-enum.txt\\s+compat\\s+schema_violation\\s+ok")
                .contains("modes: strict=1 compat=8 summary=5 of 14 samples (7% / 57% / 36%)")
                .contains("OK every sample decoded as expected");
    }

    @Test
    void replayCorpus_formatJson_listsEverySampleWithItsModeAndTheDistribution() {
        assertThat(cli.run(
                        "schema",
                        "replay-corpus",
                        "--format",
                        "json",
                        EXAMPLE.resolve("corpus").toString()))
                .isZero();
        var doc = dev.keel.wire.json.Json.parse(cli.out());
        assertThat(doc.path("samples_total").asInt()).isEqualTo(14);
        assertThat(doc.at("/modes/strict").asInt()).isEqualTo(1);
        assertThat(doc.at("/modes/compat").asInt()).isEqualTo(8);
        assertThat(doc.at("/modes/summary").asInt()).isEqualTo(5);
        assertThat(doc.path("mismatches").asInt()).isZero();
        assertThat(doc.path("ok").asBoolean()).isTrue();
        var invalid = new java.util.ArrayList<com.fasterxml.jackson.databind.JsonNode>();
        doc.path("samples").forEach(r -> {
            if (r.path("sample").asText().equals("invalid-json.txt")) {
                invalid.add(r);
            }
        });
        assertThat(invalid).hasSize(1);
        assertThat(invalid.get(0).path("mode").asText()).isEqualTo("summary");
        assertThat(invalid.get(0).path("reason").asText()).isEqualTo("invalid_json");
        assertThat(invalid.get(0).path("matches").asBoolean()).isTrue();
    }

    @Test
    void replayCorpus_schemaEditedInPlace_exits2TellingToAddANewVersion() throws Exception {
        Path copy = dir.resolve("example");
        for (String rel : new String[] {
            "schemas/schemas.lock",
            "schemas/ticket/v1.json",
            "schemas/ticket/v2.json",
            "corpus/corpus.yaml",
            "corpus/strict-v2.txt"
        }) {
            Files.createDirectories(copy.resolve(rel).getParent());
            Files.copy(EXAMPLE.resolve(rel), copy.resolve(rel));
        }
        Files.writeString(copy.resolve("corpus/corpus.yaml"), "schema: ticket\nschemas: ../schemas\nversion: v2\n");
        Path v2 = copy.resolve("schemas/ticket/v2.json");
        Files.writeString(v2, Files.readString(v2).replace("\"urgent\"", "\"critical\""));
        assertThat(cli.run("schema", "replay-corpus", copy.resolve("corpus").toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains(
                        v2 + ": schema ticket/v2 changed after it was registered",
                        "add the change as a new version (" + copy.resolve("schemas/ticket/v3.json") + ")");
    }

    @Test
    void replayCorpus_missingManifest_exits2() {
        assertThat(cli.run("schema", "replay-corpus", dir.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("no corpus.yaml");
    }

    @Test
    void help_forEverySchemaCommand_exits0AndNamesTheExitCodes() {
        for (String sub : new String[] {"lint", "diff", "replay-corpus"}) {
            assertThat(cli.run("schema", sub, "--help")).isZero();
            assertThat(cli.out()).contains("Exit 0", "2 when");
        }
    }

    @Test
    void serve_debugConfig_showsTheStructuredOutputSection_andFollowsAnEditedKeelYaml() throws Exception {
        Path config = write(
                "keel.yaml", "structured_output: {schema_version: v2, canary_percent: 5, reload_interval: 1ms}\n");
        var serve = new ServeCommand();
        serve.env = Map.of("OPENAI_API_KEY", "sk-test-serve", "OPENAI_BASE_URL", "http://127.0.0.1:9/v1");
        CompletableFuture<Integer> exit = cli.start(
                serve,
                "--port",
                "0",
                "--config",
                config.toString(),
                "--schemas",
                EXAMPLE.resolve("schemas").toString());
        await().atMost(Duration.ofSeconds(20)).until(() -> cli.out().contains("listening on"));
        var m = Pattern.compile("listening on (http://\\S+) ").matcher(cli.out());
        assertThat(m.find()).isTrue();
        var section = Json.parse(get(m.group(1) + "/debug/config")).get("structured_output");
        assertThat(section.path("schema").asText()).isEqualTo("ticket");
        assertThat(section.path("schema_version").asText()).isEqualTo("v2");
        assertThat(section.path("baseline_version").asText()).isEqualTo("v1");
        assertThat(section.path("canary_percent").asInt()).isEqualTo(5);
        assertThat(section.path("compat_fallback").asText()).isEqualTo("1");
        Files.writeString(config, "structured_output: {schema_version: v1, canary_percent: 0, reload_interval: 1ms}\n");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Json.parse(get(m.group(1) + "/debug/config"))
                        .at("/structured_output/schema_version")
                        .asText()
                        .equals("v1"));
        serve.stop.countDown();
        assertThat(exit.get()).isZero();
    }

    @Test
    void serve_canaryPercentOutOfRange_isRefusedAtStartUpWithExit2() throws Exception {
        var serve = new ServeCommand();
        serve.env = Map.of(
                "OPENAI_API_KEY",
                "sk-test-serve",
                "OPENAI_BASE_URL",
                "http://127.0.0.1:9/v1",
                "STRUCTURED_OUTPUT_CANARY_PERCENT",
                "150");
        assertThat(cli.run(
                        serve,
                        "--port",
                        "0",
                        "--config",
                        write("empty.yaml", "# nothing here: the variable alone is wrong\n")
                                .toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("env STRUCTURED_OUTPUT_CANARY_PERCENT: structured-output.canary-percent: must be between 0"
                        + " and 100, was 150");
    }

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    static Path example() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("examples/structured-tickets"))) {
                return p.resolve("examples/structured-tickets");
            }
        }
        throw new IllegalStateException("examples/structured-tickets not found");
    }
}
