package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --format json} of call, schema lint/diff and doctor; {@code --prices} on call and serve;
 * numbers named in errors — all through the real picocli {@code CommandLine}.
 */
class CliFormatAndStrictInputTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    private int run(Object command, String... args) {
        return command == null ? cli.run(args) : cli.run(command, args);
    }

    private static List<String> names(JsonNode node) {
        var names = new ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private CallCommand sandboxCall() {
        var call = new CallCommand();
        call.env = Map.of();
        return call;
    }

    @Test
    void callFormatJson_printsOneDocumentWithUsageCostAndAttempts() {
        assertThat(run(sandboxCall(), "--format", "json", "Say hello")).isZero();
        JsonNode j = Json.parse(cli.out());
        assertThat(names(j))
                .containsExactly(
                        "model",
                        "response_id",
                        "state",
                        "text",
                        "usage",
                        "service_tier",
                        "cost_usd",
                        "cost_split",
                        "attempts",
                        "http_status",
                        "protocol",
                        "request_id",
                        "served",
                        "timings_ms");
        assertThat(j.path("state").asText()).isEqualTo("completed");
        assertThat(j.path("text").asText()).startsWith("Emulated reply to \"Say hello\"");
        assertThat(j.at("/usage/input_tokens").asLong()).isPositive();
        assertThat(j.path("attempts").asInt()).isEqualTo(1);
        assertThat(j.path("http_status").asInt()).isEqualTo(200);
        assertThat(j.path("served").asText()).isEqualTo("upstream");
        assertThat(j.path("cost_usd").decimalValue().signum()).isPositive();
        assertThat(cli.out()).containsPattern("\"cost_usd\":0\\.\\d{6},");
    }

    @Test
    void callPrices_pricesTheAnswerWithTheFile() throws Exception {
        Path prices = dir.resolve("prices.json");
        Files.writeString(prices, "{\"models\": {\"gpt-4.1-mini\": {\"sync\": {\"input\": 1000, \"output\": 2000}}}}");
        assertThat(run(sandboxCall(), "--prices", prices.toString(), "--format", "json", "Say hello"))
                .as("%s", cli.err())
                .isZero();
        JsonNode j = Json.parse(cli.out());
        BigDecimal expected = BigDecimal.valueOf(j.at("/usage/input_tokens").asLong() * 1000
                        + j.at("/usage/output_tokens").asLong() * 2000)
                .divide(BigDecimal.valueOf(1_000_000), 6, RoundingMode.HALF_UP);
        assertThat(j.path("cost_usd").decimalValue()).isEqualByComparingTo(expected);
    }

    @Test
    void callAndServePrices_missingBadOrFifo_isAnErrorBeforeAnythingStarts() throws Exception {
        Path missing = dir.resolve("nope.json");
        assertThat(run(sandboxCall(), "--prices", missing.toString(), "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--prices").contains("nope.json").doesNotContain("embedded emulator");

        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, "{\"models\": {\n \"gpt-4.1-mini\": {\"sync\": {\"input\": 1, \"ouput\": 2}}}}");
        assertThat(run(sandboxCall(), "--prices", typo.toString(), "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(typo + ":2").contains("did you mean 'output'?");

        Path huge = dir.resolve("huge.json");
        Files.writeString(huge, "{\"models\": {\"m\": {\"sync\": {\"input\": 1e400, \"output\": 2}}}}");
        assertThat(run(sandboxCall(), "--prices", huge.toString(), "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("huge.json").contains("sync.input");

        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor())
                .isZero();
        assertThat(run(sandboxCall(), "--prices", fifo.toString(), "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("not a regular file").contains("FIFO");

        var serve = new ServeCommand();
        serve.env = Map.of();
        assertThat(run(serve, "--port", "0", "--prices", missing.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("--prices").contains("nope.json");
        assertThat(cli.out()).doesNotContain("listening on");
    }

    @Test
    void schemaLintAndDiffFormatJson_listFindingsAndChangesInLowerSnakeCase() throws Exception {
        Path good = dir.resolve("v1.json");
        Files.writeString(good, """
                {"type": "object", "additionalProperties": false, "required": ["schema_version", "priority"],
                 "properties": {"schema_version": {"type": "string", "enum": ["v1"]},
                                "priority": {"type": "string", "enum": ["low", "high", "urgent"]}}}""");
        Path narrowed = dir.resolve("v2.json");
        Files.writeString(narrowed, """
                {"type": "object", "additionalProperties": false, "required": ["schema_version", "priority"],
                 "properties": {"schema_version": {"type": "string", "enum": ["v1"]},
                                "priority": {"type": "string", "enum": ["low", "high"]}}}""");
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}}");

        assertThat(run(null, "schema", "lint", "--format", "json", good.toString(), bad.toString()))
                .isEqualTo(ExitCodes.JOB_FAILURES);
        JsonNode lint = Json.parse(cli.out());
        assertThat(names(lint)).containsExactly("files", "errors", "warnings", "ok");
        assertThat(lint.at("/files/0/findings")).isEmpty();
        assertThat(lint.at("/files/1/file").asText()).isEqualTo(bad.toString());
        JsonNode finding = lint.at("/files/1/findings/0");
        assertThat(names(finding)).containsExactly("severity", "rule", "pointer", "message");
        assertThat(finding.path("severity").asText()).isEqualTo("error");
        assertThat(finding.path("rule").asText()).matches("[a-z_]+");
        assertThat(lint.path("errors").asLong()).isPositive();
        assertThat(lint.path("ok").asBoolean()).isFalse();

        assertThat(run(null, "schema", "diff", "--format", "json", good.toString(), narrowed.toString()))
                .isEqualTo(ExitCodes.JOB_FAILURES);
        JsonNode diff = Json.parse(cli.out());
        assertThat(names(diff))
                .containsExactly(
                        "old_file", "new_file", "changes", "notes", "beyond_limits", "changes_total", "breaking", "ok");
        assertThat(diff.path("beyond_limits").asBoolean()).isFalse();
        JsonNode change = diff.at("/changes/0");
        assertThat(change.path("kind").asText()).isEqualTo("enum_narrowed");
        assertThat(change.path("field").asText()).isEqualTo("priority");
        assertThat(change.path("breaking").asBoolean()).isTrue();
        assertThat(change.at("/counterexample/accepted_by").asText()).isEqualTo("old");
        assertThat(change.path("consumer_risk").asText()).matches("[a-z_]+");
        assertThat(diff.path("breaking").asLong()).isEqualTo(1);

        assertThat(run(null, "schema", "diff", "--format", "json", good.toString(), good.toString()))
                .isZero();
        assertThat(Json.parse(cli.out()).path("ok").asBoolean()).isTrue();

        // beyond the API's 5,000 properties: the JSON says so, with a note, and exits 2 like the text output
        var props = new StringBuilder();
        var required = new StringBuilder();
        for (int i = 0; i < 5_001; i++) {
            props.append(i == 0 ? "" : ",").append("\"p").append(i).append("\": {\"type\": \"string\"}");
            required.append(i == 0 ? "" : ",").append("\"p").append(i).append('"');
        }
        Path huge = dir.resolve("huge.json");
        Files.writeString(
                huge,
                "{\"type\": \"object\", \"additionalProperties\": false, \"required\": [" + required
                        + "], \"properties\": {" + props + "}}");
        assertThat(run(null, "schema", "diff", "--format", "json", huge.toString(), huge.toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        JsonNode beyond = Json.parse(cli.out());
        assertThat(beyond.path("beyond_limits").asBoolean()).isTrue();
        assertThat(beyond.path("ok").asBoolean()).isFalse();
        assertThat(beyond.path("notes").toString()).contains("5000");
    }

    @Test
    void doctorTimeoutsFormatJson_namesEachLayerAndFinding() {
        assertThat(run(
                        null,
                        "doctor",
                        "timeouts",
                        "--format",
                        "json",
                        "--gateway",
                        "20s",
                        "--service",
                        "25s",
                        "--client",
                        "30s"))
                .isEqualTo(ExitCodes.JOB_FAILURES);
        JsonNode j = Json.parse(cli.out());
        assertThat(names(j)).containsExactly("layers", "findings", "ok");
        assertThat(j.at("/layers/0/name").asText()).isEqualTo("gateway");
        assertThat(j.at("/layers/0/timeout_ms").asLong()).isEqualTo(20_000);
        assertThat(j.at("/findings/0/outer").asText()).isEqualTo("gateway");
        assertThat(j.at("/findings/0/inner").asText()).isEqualTo("service");
        assertThat(j.path("ok").asBoolean()).isFalse();
    }

    @Test
    void rateLimitWithABadNumber_namesTheOptionAndWhatIsExpected() {
        assertThat(run(null, "emulator", "--port", "0", "--rate-limit", "1:abc"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("--rate-limit '1:abc': tokens per minute 'abc' must be a whole number >= 1")
                .contains("60:100000")
                .doesNotContain("For input string");
        assertThat(run(null, "emulator", "--port", "0", "--fault", "POST /v1/responses=cut-stream:x"))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("cut-stream:N").doesNotContain("For input string");
    }

    @Test
    void replayCorpus_aManifestOfTheWrongShapeOrWithAMisspeltKey_namesFileLineAndKey() throws Exception {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        Path manifest = corpus.resolve("corpus.yaml");
        Files.writeString(manifest, "schema: ticket\nexpcet:\n  a.json: strict\n");
        assertThat(run(null, "schema", "replay-corpus", corpus.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(manifest + ":2: unknown key 'expcet'").contains("did you mean 'expect'?");
        Files.writeString(manifest, "- schema\n- expect\n");
        assertThat(run(null, "schema", "replay-corpus", corpus.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(manifest + ": expected a mapping").contains("not a list");
        Files.writeString(manifest, "schema: ticket\nexpect: [a.json]\n");
        assertThat(run(null, "schema", "replay-corpus", corpus.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains(manifest + ":2: expect must be a mapping");
    }

    @Test
    void batchReplay_aFailedListThatIsNotUtf8_namesTheFileAndLine() throws Exception {
        Path failed = dir.resolve("failed.jsonl");
        Files.write(failed, new byte[] {'{', '}', '\n', '{', (byte) 0xC3, '\n'});
        assertThat(run(
                        null,
                        "batch",
                        "replay",
                        "--failed",
                        failed.toString(),
                        "--out",
                        dir.resolve("r.jsonl").toString()))
                .isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains(failed + ":2 (byte offset 4): not UTF-8 text")
                .doesNotContain("Input length");
    }

    @Test
    void callWithAnUnknownModel_hintsTheOptionCallHas() {
        assertThat(run(sandboxCall(), "--model", "gpt-nope", "hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("gpt-nope").contains("--model").doesNotContain("--prices");
    }
}
