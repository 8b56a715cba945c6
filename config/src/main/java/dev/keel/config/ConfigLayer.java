package dev.keel.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.keel.wire.io.KeyLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One source of configuration values — a file, the environment, the command line, a Spring Boot
 * property source — as canonical keys with an origin each, plus what was wrong with its shape (a
 * list where a value goes, a key given twice). Immutable.
 *
 * <p>Keys are canonical: dotted, kebab-case, without a prefix; an underscore in a key is read as a
 * dash ({@code structured_output.canary_percent} is {@code structured-output.canary-percent}),
 * except in the names of a map's entries ({@code realtime.app-tokens.USER}), which are kept as
 * given.
 */
public final class ConfigLayer {

    private final String name;
    private final Map<String, ConfigValue> values;
    private final List<ConfigProblem> problems;

    private ConfigLayer(String name, Map<String, ConfigValue> values, List<ConfigProblem> problems) {
        this.name = name;
        this.values = values;
        this.problems = problems;
    }

    /**
     * A layer of flat values, e.g. one a Spring Boot binder read; keys are canonicalized.
     *
     * @param name what the layer is, for messages ({@code flags}, {@code application.yml})
     */
    public static ConfigLayer of(String name, Collection<ConfigValue> values) {
        var map = new LinkedHashMap<String, ConfigValue>();
        var problems = new ArrayList<ConfigProblem>();
        for (ConfigValue v : values) {
            String key = canonical(v.key());
            put(map, problems, new ConfigValue(key, v.value(), v.origin()));
        }
        return new ConfigLayer(name, map, List.copyOf(problems));
    }

    /** An empty layer. */
    public static ConfigLayer empty(String name) {
        return new ConfigLayer(name, Map.of(), List.of());
    }

    /**
     * A layer from a nested tree of maps and scalars (what a YAML or JSON parser gives).
     *
     * @param originOf the origin of the value at a canonical key
     */
    public static ConfigLayer tree(String name, Map<String, ?> tree, Function<String, Origin> originOf) {
        var map = new LinkedHashMap<String, ConfigValue>();
        var problems = new ArrayList<ConfigProblem>();
        flattenMap(tree, "", "", false, originOf, map, problems);
        return new ConfigLayer(name, map, List.copyOf(problems));
    }

    /**
     * Reads {@code keel.yaml}: a mapping of sections; every value's origin is {@code file:line}.
     *
     * @throws ConfigException when the file cannot be read or is not YAML (naming the file and line)
     */
    public static ConfigLayer yaml(Path file) {
        String source = file.toString();
        String text;
        try {
            text = dev.keel.wire.io.TextFiles.read(file, "configuration file");
        } catch (IllegalArgumentException e) {
            throw single(Origin.file(source, 0), "", e.getMessage());
        }
        YAMLMapper mapper = YAMLMapper.builder(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .build();
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (IOException e) {
            int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
                    ? j.getLocation().getLineNr()
                    : 0;
            String first = e.getMessage().lines().findFirst().orElse("").replaceAll(" at \\[Source.*$", "");
            throw single(Origin.file(source, line), "", "not valid YAML: " + first);
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return empty(source);
        }
        if (!root.isObject()) {
            throw single(
                    Origin.file(source, 1),
                    "",
                    "must be a mapping of sections (upstream:, retry:, ...), not " + shape(root));
        }
        KeyLines lines = KeyLines.of(source, mapper.getFactory(), text);
        var map = new LinkedHashMap<String, ConfigValue>();
        var problems = new ArrayList<ConfigProblem>();
        flattenNode(root, "", "", false, source, lines, map, problems);
        return new ConfigLayer(source, map, List.copyOf(problems));
    }

    /**
     * The variables of {@code env} that set a key: {@code OPENAI_API_KEY}, {@code OPENAI_BASE_URL},
     * {@code OPENAI_ORG_ID}, {@code OPENAI_PROJECT_ID}, {@code STRUCTURED_OUTPUT_*} and {@code
     * KEEL_<KEY>} ({@link Setting#env()}); empty values count as unset.
     */
    public static ConfigLayer environment(Map<String, String> env) {
        var values = new ArrayList<ConfigValue>();
        for (Setting<?> s : Settings.all()) {
            for (String var : s.env()) {
                String v = env.get(var);
                if (v != null && !v.isBlank()) {
                    values.add(new ConfigValue(s.key(), v, Origin.env(var)));
                    break;
                }
            }
        }
        return of("environment", values);
    }

    public String name() {
        return name;
    }

    /** The values by canonical key, in source order. */
    public Map<String, ConfigValue> values() {
        return values;
    }

    /** What was wrong with the layer's shape. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    /** The key with each segment's underscores read as dashes (map entry names kept). */
    public static String canonical(String key) {
        String[] parts = key.split("\\.", -1);
        var out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            String prefix = out.toString();
            if (i > 0 && Settings.mapAt(prefix).isPresent()) {
                return prefix + "." + String.join(".", java.util.Arrays.copyOfRange(parts, i, parts.length));
            }
            if (i > 0) {
                out.append('.');
            }
            out.append(parts[i].replace('_', '-'));
        }
        return out.toString();
    }

    private static void flattenNode(
            JsonNode node,
            String key,
            String pointer,
            boolean inMap,
            String source,
            KeyLines lines,
            Map<String, ConfigValue> out,
            List<ConfigProblem> problems) {
        var fields = node.fields();
        while (fields.hasNext()) {
            var e = fields.next();
            String segment = inMap ? e.getKey() : e.getKey().replace('_', '-');
            String k = key.isEmpty() ? segment : key + "." + segment;
            String p = pointer + "/" + e.getKey().replace("~", "~0").replace("/", "~1");
            JsonNode v = e.getValue();
            Origin origin = origin(source, lines.where(p));
            if (v.isObject()) {
                flattenNode(v, k, p, inMap || Settings.mapAt(k).isPresent(), source, lines, out, problems);
            } else if (v.isArray()) {
                problems.add(new ConfigProblem(origin, k, "must be a single value or a mapping, not a list"));
            } else if (!v.isNull()) {
                put(out, problems, new ConfigValue(k, v.isTextual() ? v.textValue() : v.asText(), origin));
            }
        }
    }

    private static Origin origin(String source, String where) {
        if (where.length() > source.length() + 1 && where.startsWith(source + ":")) {
            return Origin.file(source, Integer.parseInt(where.substring(source.length() + 1)));
        }
        return Origin.file(source, 0);
    }

    private static void flattenMap(
            Map<String, ?> tree,
            String key,
            String unused,
            boolean inMap,
            Function<String, Origin> originOf,
            Map<String, ConfigValue> out,
            List<ConfigProblem> problems) {
        for (var e : tree.entrySet()) {
            String segment = inMap ? e.getKey() : e.getKey().replace('_', '-');
            String k = key.isEmpty() ? segment : key + "." + segment;
            Object v = e.getValue();
            if (v instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, ?> sub = (Map<String, ?>) m;
                flattenMap(sub, k, unused, inMap || Settings.mapAt(k).isPresent(), originOf, out, problems);
            } else if (v instanceof Collection<?>) {
                problems.add(
                        new ConfigProblem(originOf.apply(k), k, "must be a single value or a mapping, not a list"));
            } else if (v != null) {
                put(out, problems, new ConfigValue(k, v, originOf.apply(k)));
            }
        }
    }

    private static void put(Map<String, ConfigValue> map, List<ConfigProblem> problems, ConfigValue v) {
        ConfigValue before = map.putIfAbsent(v.key(), v);
        if (before != null) {
            problems.add(
                    new ConfigProblem(v.origin(), v.key(), "is set twice (also at " + before.origin() + "); keep one"));
        }
    }

    private static String shape(JsonNode n) {
        return n.isArray() ? "a list" : "a scalar (" + n.asText() + ")";
    }

    private static ConfigException single(Origin origin, String key, String message) {
        return new ConfigException(List.of(new ConfigProblem(origin, key, message)));
    }
}
