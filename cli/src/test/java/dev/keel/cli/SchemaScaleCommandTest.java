package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keel schema lint / diff on large schemas, ref cycles and external refs, through the real command line. */
class SchemaScaleCommandTest {

    @TempDir
    Path dir;

    private final CliHarness cli = new CliHarness();

    /** A strict schema with schema_version and {@code n - 1} required string properties; {@code nullable} of them nullable. */
    private Path wide(String name, int n, int nullable) throws Exception {
        var b = new StringBuilder("{\"type\":\"object\",\"additionalProperties\":false,\"properties\":{"
                + "\"schema_version\":{\"type\":\"string\",\"enum\":[\"v1\"]}");
        var req = new StringBuilder("\"schema_version\"");
        for (int i = 0; i < n - 1; i++) {
            b.append(",\"p")
                    .append(i)
                    .append("\":{\"type\":")
                    .append(i < nullable ? "[\"string\",\"null\"]" : "\"string\"")
                    .append('}');
            req.append(",\"p").append(i).append('"');
        }
        b.append("},\"required\":[").append(req).append("]}");
        Path f = dir.resolve(name);
        Files.writeString(f, b);
        return f;
    }

    @Test
    void diff_manyChangesOfOneKind_printsNoteLines_andExits1() throws Exception {
        Path old = wide("old.json", 5_000, 0);
        Path now = wide("new.json", 5_000, 40);

        assertThat(cli.run("schema", "diff", old.toString(), now.toString())).isEqualTo(ExitCodes.JOB_FAILURES);

        String o = cli.out();
        assertThat(o.lines().filter(l -> l.startsWith("NULLABILITY_CHANGED("))).hasSize(40);
        assertThat(o.lines().filter(l -> l.startsWith("  example accepted by new, rejected by old: ")))
                .hasSize(5);
        assertThat(o.lines().filter(l -> l.startsWith("  example not built: "))).hasSize(35);
        assertThat(o)
                .contains("note: 35 more NULLABILITY_CHANGED change(s) not shown with an example (the first 5 of each"
                        + " kind get one)")
                .contains("BREAKING 40 change(s), 40 breaking");
    }

    @Test
    void diff_schemaBeyondTheApiLimits_saysSo_andExits2() throws Exception {
        Path old = wide("old.json", 5_001, 0);
        Path now = wide("new.json", 5_001, 1);

        assertThat(cli.run("schema", "diff", old.toString(), now.toString())).isEqualTo(ExitCodes.BAD_INPUT);

        assertThat(cli.out())
                .contains("note: old schema exceeds the API's limits: the schema defines 5001 properties; the limit is"
                        + " 5000 [PROPERTY_LIMIT]")
                .contains("note: new schema exceeds the API's limits: the schema defines 5001 properties;")
                .contains("NULLABILITY_CHANGED(p0)");
    }

    @Test
    void lint_manyFindings_printsTheFirstHundredAndANote_andExits1() throws Exception {
        Path f = wide("s.json", 500, 0);
        Files.writeString(
                f, Files.readString(f).replaceFirst("\"required\":\\[.*]", "\"required\":[\"schema_version\"]"));

        assertThat(cli.run("schema", "lint", f.toString())).isEqualTo(ExitCodes.JOB_FAILURES);

        assertThat(cli.out().lines().filter(l -> l.contains("[PROPERTY_NOT_REQUIRED]")))
                .hasSize(100);
        assertThat(cli.out())
                .contains(f + ": note: 399 more finding(s) of PROPERTY_NOT_REQUIRED not shown (the first 100 are)")
                .contains("FAIL 1 file(s): 499 error(s)");
    }

    @Test
    void diff_unsatisfiableCycle_isNotComparable_exits2_notZeroChanges() throws Exception {
        Path s = dir.resolve("cycle.json");
        Files.writeString(s, """
                {"type":"object","additionalProperties":false,"required":["schema_version","node"],
                 "properties":{"schema_version":{"type":"string","enum":["v1"]},"node":{"$ref":"#/$defs/node"}},
                 "$defs":{"node":{"type":"object","additionalProperties":false,"required":["next"],
                   "properties":{"next":{"$ref":"#/$defs/node"}}}}}""");

        assertThat(cli.run("schema", "diff", s.toString(), s.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("keel: old schema cannot be compared: /$defs/node: unsatisfiable $ref cycle"
                        + " #/$defs/node -> #/$defs/node");
        assertThat(cli.out()).doesNotContain("0 change(s)");

        assertThat(cli.run("schema", "lint", s.toString())).isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(cli.out())
                .contains(s + ": ERROR /$defs/node: unsatisfiable $ref cycle")
                .contains("[REF_CYCLE]");
    }

    @Test
    void externalRef_isRefusedWithTheUrlIntact() throws Exception {
        String url = "https://schemas.example.com/common/v2/address.json#/$defs/street";
        Path s = dir.resolve("ext.json");
        Files.writeString(s, """
                {"type":"object","additionalProperties":false,"required":["schema_version","addr"],
                 "properties":{"schema_version":{"type":"string","enum":["v1"]},"addr":{"$ref":"URL"}}}""".replace("URL", url));

        assertThat(cli.run("schema", "lint", s.toString())).isEqualTo(ExitCodes.JOB_FAILURES);
        assertThat(cli.out())
                .contains(s + ": ERROR /properties/addr/$ref: $ref \"" + url + "\" points outside this document")
                .contains("[EXTERNAL_REF]");

        assertThat(cli.run("schema", "diff", s.toString(), s.toString())).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err())
                .contains("$ref \"" + url + "\" points outside this document")
                .contains("[EXTERNAL_REF]");
    }
}
