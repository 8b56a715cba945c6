package dev.keel.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code docs/configuration.md}: every key of {@link Settings} with its type, default,
 * environment variable, flag and whether {@code keel serve} applies it live. Generated, so the
 * reference cannot drift from the model ({@code ConfigReferenceTest}). Stateless.
 */
public final class ConfigReference {

    private ConfigReference() {}

    /** The whole document. */
    public static String markdown() {
        var sb = new StringBuilder();
        sb.append("# Configuration reference\n\n");
        sb.append("<!-- Generated from dev.keel.config.Settings; do not edit by hand. ConfigReferenceTest fails when\n"
                + "     this file drifts from the model. Regenerate with:\n"
                + "     mvn -B -q -o -pl config -am package -Dtest=ConfigReferenceTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dkeel.doc.update=true -->\n\n");
        sb.append(INTRO);
        for (var section : sections().entrySet()) {
            sb.append("\n## `").append(section.getKey()).append("`\n\n");
            sb.append("| key | type | default | environment | flag | live | what it does |\n");
            sb.append("|---|---|---|---|---|---|---|\n");
            for (Setting<?> s : section.getValue()) {
                sb.append("| `")
                        .append(s.key())
                        .append(s.map() ? ".NAME" : "")
                        .append("` | ")
                        .append(s.type().describe())
                        .append(s.secret() ? ", secret" : "")
                        .append(" | ")
                        .append(cell(s.defaultText()))
                        .append(" | ")
                        .append(codes(s.env()))
                        .append(" | ")
                        .append(codes(s.flags()))
                        .append(" | ")
                        .append(s.live() ? "yes" : "")
                        .append(" | ")
                        .append(cell(s.description()))
                        .append(" |\n");
            }
        }
        return sb.toString();
    }

    private static Map<String, List<Setting<?>>> sections() {
        var out = new LinkedHashMap<String, List<Setting<?>>>();
        for (Setting<?> s : Settings.all()) {
            String section = s.key().substring(0, s.key().indexOf('.'));
            out.computeIfAbsent(section, k -> new java.util.ArrayList<>()).add(s);
        }
        return out;
    }

    private static String codes(List<String> names) {
        return names.isEmpty() ? "" : "`" + String.join("`, `", names) + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String INTRO = """
            keel has one configuration model (`dev.keel.config`, artifact `keel-config`): the same keys
            in `keel.yaml` (CLI, `keel serve`), in the environment, as CLI flags and, under the prefix
            `keel.`, in Spring Boot's `application.yml`. Every value keeps where it came from;
            `keel config show` (and `keel serve`'s `/debug/config`) prints each key, its value and its
            source, secrets as a fingerprint. An annotated example is `examples/keel.yaml`.

            **Precedence**, highest first (D128):

            1. CLI flags — only flags given on the command line; a flag's default never masks the file.
            2. The environment: `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `OPENAI_ORG_ID`,
               `OPENAI_PROJECT_ID`, `STRUCTURED_OUTPUT_*` and `KEEL_<KEY>` (the key in upper case, dots
               and dashes as underscores: `retry.max-attempts` is `KEEL_RETRY_MAX_ATTEMPTS`). An empty
               variable counts as unset.
            3. `keel.yaml`: the file `--config FILE` names, else the one `KEEL_CONFIG` names, else
               `keel.yaml` in the working directory when there is one. A named file must exist.
            4. The defaults below.

            The `structured-output` rollout keys that have a `STRUCTURED_OUTPUT_*` variable are the
            exception: set in both the environment and the file they are refused, so a rollback
            written into one is never shadowed by the other (D34).

            **Keys** are dotted and kebab-case; in a file each dot is a level of nesting. An underscore
            is read as a dash (`structured_output: {canary_percent: 5}` is
            `structured-output.canary-percent`). A key keel does not know is an error with a
            "did you mean", never a silent default:

            ```
            keel.yaml:2: retry.max-attemps: unknown key; did you mean 'retry.max-attempts'?
            keel.yaml:3: retry.max-attempts: must be between 1 and 10, was 0
            ```

            Every problem of every source is reported at once, each as `source: key: message`, and
            the rules between keys are checked on the effective values (per-call shorter than
            business, a caller's timeout longer than business, backoff base at most its cap, a batch
            lease at least the per-call timeout and longer than the poll interval, rotation lead
            shorter than the token TTL, the auto-rollback window at least its minimum samples).

            **Values**: durations `250ms`, `1.5s`, `30s`, `2m`, `6h`, `28d` (or ISO-8601 `PT30S`); sizes `512KB`,
            `200MB`, `1GB` (binary units) or bytes; money is a USD number (`12.50`); ratios are
            fractions (`0.25`); booleans `true`/`false`.

            **Live keys** (`live: yes`): `keel serve` checks the file every `serve.reload-interval` and
            applies a valid change of these while running, naming them on stderr; a change of any
            other key is named as needing a restart; a file that fails validation is refused with its
            problems and the running configuration stays. A change is acted on once two checks in a
            row read the same bytes, so a file caught half-written is never applied.
            """;
}
