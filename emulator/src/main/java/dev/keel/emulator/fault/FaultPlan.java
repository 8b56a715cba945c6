package dev.keel.emulator.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The emulator's fault rules with their seeded random source: for each request, the first rule
 * that matches and fires decides its fault.
 *
 * <p>Same seed, same rules and same request order give the same faults. Thread-safe: the random
 * draw and each script's position are updated atomically. A fault file looks like:
 *
 * <pre>
 * seed: 42
 * rules:
 *   - route: POST /v1/responses
 *     probability: 0.1
 *     fault: "status:503"
 *   - route: POST /v1/chat/completions
 *     script: ["status:429,retry-after:1", "ok", "reset"]
 *   - route: POST /v1/responses
 *     schema: ticket_v2              # only requests whose json_schema is named ticket_v2
 *     probability: 0.3
 *     fault: "bad-sample:missing-field"
 * </pre>
 */
public final class FaultPlan {

    /** A plan with no rules: every request is answered normally. */
    public static final FaultPlan NONE = new FaultPlan(0, List.of());

    private final long seed;
    private final List<FaultRule> rules;
    private final SplittableRandom random;
    private final AtomicIntegerArray scriptPositions;

    public FaultPlan(long seed, List<FaultRule> rules) {
        this.seed = seed;
        this.rules = List.copyOf(rules);
        this.random = new SplittableRandom(seed);
        this.scriptPositions = new AtomicIntegerArray(this.rules.size());
    }

    /** The rules in the order they are tried. */
    public List<FaultRule> rules() {
        return rules;
    }

    /** The seed of the random source. */
    public long seed() {
        return seed;
    }

    /** A plan with the same seed and {@code more} rules tried after these. */
    public FaultPlan plus(List<FaultRule> more) {
        var all = new ArrayList<>(rules);
        all.addAll(more);
        return new FaultPlan(seed, all);
    }

    /** The fault for the next request on this route, if a rule fires. */
    public Optional<FaultEffect> pick(String method, String path) {
        return pick(method, path, null);
    }

    /** Whether any rule is limited to one structured-output schema (so the server must read the body). */
    public boolean hasSchemaRules() {
        return rules.stream().anyMatch(r -> r.schema() != null);
    }

    /**
     * The fault for the next request on this route that uses the structured-output schema {@code
     * schema} (null: none), if a rule fires.
     */
    public Optional<FaultEffect> pick(String method, String path, String schema) {
        for (int i = 0; i < rules.size(); i++) {
            FaultRule rule = rules.get(i);
            if (!rule.matches(method, path) || !rule.matchesSchema(schema)) {
                continue;
            }
            Optional<FaultEffect> fired = rule.script().isEmpty() ? draw(rule) : nextScripted(i, rule);
            if (fired.isPresent()) {
                return fired;
            }
        }
        return Optional.empty();
    }

    /** A uniform draw in [0, 1) from the plan's seeded source, for seeded latency ranges. */
    public double nextDouble() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private Optional<FaultEffect> draw(FaultRule rule) {
        return nextDouble() < rule.probability() ? Optional.of(rule.effect()) : Optional.empty();
    }

    private Optional<FaultEffect> nextScripted(int index, FaultRule rule) {
        int pos = scriptPositions.getAndUpdate(
                index, p -> Math.min(p + 1, rule.script().size()));
        return pos < rule.script().size() ? Optional.of(rule.script().get(pos)) : Optional.empty();
    }

    /**
     * Reads a fault file (YAML or JSON) of the form shown in the class comment.
     *
     * @throws IllegalArgumentException when the file cannot be read or a rule is wrong; the message
     *     names the file, the rule ({@code rules[2]}) and the field
     */
    public static FaultPlan load(Path file) {
        String text = dev.keel.wire.io.TextFiles.read(file, "fault file");
        var yaml = new YAMLMapper();
        JsonNode root;
        try {
            root = yaml.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    file + ": not valid YAML: "
                            + e.getMessage().lines().findFirst().orElse(""),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": a fault file is a mapping with 'seed' and 'rules', got "
                    + (root == null
                            ? "an empty document"
                            : "a " + root.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        var at = dev.keel.wire.io.KeyLines.of(file.toString(), yaml.getFactory(), text);
        unknownKeys(root, "", FILE_KEYS, at);
        JsonNode seedNode = root.path("seed");
        if (!seedNode.isMissingNode() && !seedNode.isIntegralNumber()) {
            throw new IllegalArgumentException(
                    at.where("/seed") + ": seed: must be a whole number, was '" + seedNode.asText() + "'");
        }
        long seed = seedNode.asLong(0);
        var rules = new ArrayList<FaultRule>();
        JsonNode list = root.path("rules");
        if (!list.isArray()) {
            throw new IllegalArgumentException(at.where("/rules") + ": 'rules' must be a list of rules");
        }
        for (int i = 0; i < list.size(); i++) {
            String pointer = "/rules/" + i;
            try {
                if (!list.get(i).isObject()) {
                    throw new IllegalArgumentException("a rule is a mapping with 'route' and 'fault' or 'script'");
                }
                unknownKeys(list.get(i), pointer, RULE_KEYS, at);
                rules.add(rule(list.get(i)));
            } catch (IllegalArgumentException e) {
                String message = e.getMessage();
                throw new IllegalArgumentException(
                        message.startsWith(file.toString())
                                ? message
                                : at.where(pointer + "/route") + ": rules[" + i + "]: " + message,
                        e);
            }
        }
        return new FaultPlan(seed, rules);
    }

    private static final java.util.Set<String> FILE_KEYS = java.util.Set.of("seed", "rules");
    private static final java.util.Set<String> RULE_KEYS =
            java.util.Set.of("route", "probability", "fault", "script", "schema");

    private static void unknownKeys(
            JsonNode node, String pointer, java.util.Set<String> known, dev.keel.wire.io.KeyLines at) {
        node.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                String name = pointer.isEmpty()
                        ? k
                        : pointer.substring(1).replaceFirst("^rules/(\\d+)", "rules[$1]") + "." + k;
                throw new IllegalArgumentException(at.where(pointer + "/" + k) + ": " + name + ": unknown key"
                        + dev.keel.wire.io.KeyLines.suggestion(k, known));
            }
        });
    }

    private static FaultRule rule(JsonNode node) {
        String route = node.path("route").asText("");
        if (route.isBlank()) {
            throw new IllegalArgumentException("'route' is required, e.g. 'POST /v1/responses'");
        }
        FaultRule rule;
        if (node.has("script")) {
            var script = new ArrayList<FaultEffect>();
            node.get("script").forEach(step -> script.add(FaultSpec.parse(step.asText())));
            rule = FaultRule.scripted(route, script);
        } else if (node.has("fault")) {
            double p = node.path("probability").asDouble(1.0);
            rule = FaultRule.withProbability(
                    route, p, FaultSpec.parse(node.get("fault").asText()));
        } else {
            throw new IllegalArgumentException("needs 'fault' (with optional 'probability') or 'script'");
        }
        return node.hasNonNull("schema") ? rule.forSchema(node.get("schema").asText()) : rule;
    }
}
