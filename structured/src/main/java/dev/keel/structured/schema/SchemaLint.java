package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a JSON Schema against OpenAI's strict structured-output subset: the root is an object and
 * not an {@code anyOf}; every object sets {@code additionalProperties: false} and requires every
 * property (optionality is a {@code null} type union); only supported keywords, no {@code default};
 * supported string formats; and the limits (10 nesting levels, 5,000 properties, 1,000 enum values,
 * 15,000 characters for an enum over 250 values, 120,000 characters of names and values). Every
 * finding carries its JSON pointer. Stateless and thread-safe.
 */
public final class SchemaLint {

    static final int MAX_DEPTH = 10;
    static final int MAX_PROPERTIES = 5_000;
    static final int MAX_ENUM_VALUES = 1_000;
    static final int LARGE_ENUM = 250;
    static final int MAX_LARGE_ENUM_CHARS = 15_000;
    static final int MAX_STRING_CHARS = 120_000;

    static final Set<String> SUPPORTED = Set.of(
            "type",
            "properties",
            "required",
            "additionalProperties",
            "items",
            "enum",
            "const",
            "anyOf",
            "$ref",
            "$defs",
            "definitions",
            "description",
            "title",
            "$schema",
            "$id",
            "$comment",
            "pattern",
            "format",
            "multipleOf",
            "maximum",
            "exclusiveMaximum",
            "minimum",
            "exclusiveMinimum",
            "minItems",
            "maxItems");
    static final Set<String> FORMATS =
            Set.of("date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid");
    static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "null");

    /** At most this many findings of one rule are kept; the rest are counted in a note. */
    static final int MAX_FINDINGS_PER_RULE = 100;

    /**
     * What {@link #report(JsonNode)} found.
     *
     * @param findings the findings, in document order, at most {@link #MAX_FINDINGS_PER_RULE} per rule
     * @param notes what was left out ("N more findings of RULE not shown"), in words
     * @param counts how many findings of each rule there are, those not shown included
     */
    public record Report(List<LintFinding> findings, List<String> notes, Map<LintRule, Integer> counts) {
        public Report {
            findings = List.copyOf(findings);
            notes = List.copyOf(notes);
            counts = Map.copyOf(counts);
        }

        /** How many findings of {@code severity} there are, those not shown included. */
        public int count(LintRule.Severity severity) {
            return counts.entrySet().stream()
                    .filter(e -> e.getKey().severity() == severity)
                    .mapToInt(Map.Entry::getValue)
                    .sum();
        }

        /** Whether the API would refuse the schema for its size: a property, depth, enum or string limit. */
        public boolean beyondLimits() {
            return findings.stream().anyMatch(f -> LIMITS.contains(f.rule()));
        }
    }

    /** The rules for the API's size limits. */
    static final Set<LintRule> LIMITS = Set.of(
            LintRule.DEPTH_LIMIT,
            LintRule.PROPERTY_LIMIT,
            LintRule.ENUM_VALUE_LIMIT,
            LintRule.ENUM_SIZE_LIMIT,
            LintRule.STRING_SIZE_LIMIT);

    private final JsonNode root;
    private final RefCheck refs;
    private final Nesting nesting;
    private final List<LintFinding> findings = new ArrayList<>();
    private final Set<String> depthWalked = new HashSet<>();
    private final Map<LintRule, Integer> perRule = new java.util.EnumMap<>(LintRule.class);
    private int properties;
    private int enumValues;
    private long chars;

    private SchemaLint(JsonNode root) {
        this.root = root;
        this.refs = new RefCheck(root);
        this.nesting = new Nesting(refs);
    }

    /** Every finding for {@code schema}, in document order; empty when the schema is fine. */
    public static List<LintFinding> lint(JsonNode schema) {
        return report(schema).findings();
    }

    /**
     * The findings for {@code schema} with notes on what was left out. The work is linear in the size
     * of the document: each {@code $ref} target's depth and each cycle are worked out once, and at
     * most {@link #MAX_FINDINGS_PER_RULE} findings of a rule are kept.
     */
    public static Report report(JsonNode schema) {
        var lint = new SchemaLint(schema);
        lint.run();
        List<String> notes = new ArrayList<>();
        lint.perRule.forEach((rule, n) -> {
            if (n > MAX_FINDINGS_PER_RULE) {
                notes.add((n - MAX_FINDINGS_PER_RULE) + " more finding(s) of " + rule + " not shown (the first "
                        + MAX_FINDINGS_PER_RULE + " are)");
            }
        });
        return new Report(lint.findings, notes, lint.perRule);
    }

    /** Whether any finding is an {@link LintRule.Severity#ERROR}. */
    public static boolean hasErrors(List<LintFinding> findings) {
        return findings.stream().anyMatch(f -> f.severity() == LintRule.Severity.ERROR);
    }

    private void run() {
        if (!root.isObject()) {
            add(LintRule.ROOT_NOT_OBJECT, "", "the schema must be a JSON object with \"type\": \"object\"");
            return;
        }
        if (!"object".equals(root.path("type").asText())) {
            add(
                    LintRule.ROOT_NOT_OBJECT,
                    "",
                    "the root must be \"type\": \"object\", got "
                            + (root.has("type") ? root.get("type").toString() : "no type"));
        }
        if (root.has("anyOf")) {
            add(LintRule.ROOT_ANY_OF, "/anyOf", "the root must not be an anyOf; wrap the choice in a property");
        }
        walk(root, "");
        checkCycles();
        checkDepth(root, "", 0, new HashSet<>());
        checkTotals();
        checkSchemaVersion();
    }

    private void walk(JsonNode s, String ptr) {
        if (!s.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : s.properties()) {
            keyword(e.getKey(), e.getValue(), ptr + "/" + escape(e.getKey()));
        }
        if (isObjectSchema(s)) {
            checkObject(s, ptr);
        }
        checkSatisfiable(s, ptr);
        s.path("properties").properties().forEach(p -> {
            properties++;
            chars += p.getKey().length();
            walk(p.getValue(), ptr + "/properties/" + escape(p.getKey()));
        });
        if (s.has("items")) {
            walk(s.get("items"), ptr + "/items");
        }
        for (int i = 0; i < s.path("anyOf").size(); i++) {
            walk(s.get("anyOf").get(i), ptr + "/anyOf/" + i);
        }
        for (String defs : List.of("$defs", "definitions")) {
            s.path(defs).properties().forEach(d -> {
                chars += d.getKey().length();
                walk(d.getValue(), ptr + "/" + defs + "/" + escape(d.getKey()));
            });
        }
    }

    private void keyword(String k, JsonNode v, String ptr) {
        switch (k) {
            case "default" ->
                add(
                        LintRule.DEFAULT_NOT_ALLOWED,
                        ptr,
                        "\"default\" is not supported in strict mode;"
                                + " remove it and apply the default in your code (a default policy)");
            case "format" -> {
                if (!FORMATS.contains(v.asText())) {
                    add(
                            LintRule.UNSUPPORTED_FORMAT,
                            ptr,
                            "format \"" + v.asText() + "\" is not supported; use one of "
                                    + String.join(
                                            ", ", FORMATS.stream().sorted().toList()) + " or a pattern");
                }
            }
            case "type" -> checkType(v, ptr);
            case "$ref" -> checkRef(v.asText(), ptr);
            case "enum" -> {
                if (v.isArray() && v.isEmpty()) {
                    add(LintRule.UNSATISFIABLE, ptr, "an empty enum allows no value; list at least one");
                }
                countEnum(v, ptr);
            }
            case "const" -> chars += v.asText().length();
            default -> {
                if (!SUPPORTED.contains(k)) {
                    add(
                            LintRule.UNSUPPORTED_KEYWORD,
                            ptr,
                            "\"" + k + "\" is not supported in strict mode;"
                                    + " express it in the prompt or validate it after decoding");
                }
            }
        }
    }

    private void checkType(JsonNode v, String ptr) {
        List<JsonNode> types = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(types::add);
        } else {
            types.add(v);
        }
        for (JsonNode t : types) {
            if (!TYPES.contains(t.asText())) {
                add(
                        LintRule.UNKNOWN_TYPE,
                        ptr,
                        "unknown type " + t + "; use one of "
                                + TYPES.stream().sorted().toList());
            }
        }
    }

    private void checkRef(String ref, String ptr) {
        if (RefCheck.external(ref)) {
            add(
                    LintRule.EXTERNAL_REF,
                    ptr,
                    "$ref \"" + ref + "\" points outside this document; the API resolves only refs inside it:"
                            + " copy the definition under $defs and refer to it as #/$defs/NAME");
            return;
        }
        boolean ok = ref.equals("#")
                || (ref.startsWith("#/") && !root.at(ref.substring(1)).isMissingNode());
        if (!ok) {
            add(
                    LintRule.UNRESOLVED_REF,
                    ptr,
                    "$ref \"" + ref + "\" does not resolve inside this document;"
                            + " define it under $defs and refer to it as #/$defs/NAME");
        }
    }

    private void countEnum(JsonNode v, String ptr) {
        enumValues += v.size();
        long total = 0;
        for (JsonNode e : v) {
            total += e.asText().length();
        }
        chars += total;
        if (v.size() > LARGE_ENUM && total > MAX_LARGE_ENUM_CHARS) {
            add(
                    LintRule.ENUM_SIZE_LIMIT,
                    ptr,
                    "an enum of " + v.size() + " values may total at most " + MAX_LARGE_ENUM_CHARS
                            + " characters, this one has " + total + "; shorten or split it");
        }
    }

    private void checkObject(JsonNode s, String ptr) {
        JsonNode ap = s.get("additionalProperties");
        if (ap == null || !ap.isBoolean() || ap.asBoolean()) {
            add(
                    LintRule.ADDITIONAL_PROPERTIES,
                    ptr.isEmpty() ? "" : ptr,
                    "every object needs" + " \"additionalProperties\": false"
                            + (ap == null ? " (it is missing)" : " (it is " + ap + ")"));
        }
        Set<String> required = new HashSet<>();
        s.path("required").forEach(r -> required.add(r.asText()));
        s.path("properties").fieldNames().forEachRemaining(p -> {
            if (!required.remove(p)) {
                add(
                        LintRule.PROPERTY_NOT_REQUIRED,
                        ptr + "/properties/" + escape(p),
                        "property \"" + p
                                + "\" must be listed in \"required\"; to make it optional give it a null type union,"
                                + " e.g. \"type\": [\"string\", \"null\"]");
            }
        });
        required.forEach(r -> add(
                LintRule.REQUIRED_UNDEFINED,
                ptr + "/required",
                "\"required\" lists \"" + r + "\", which is not in \"properties\""));
    }

    /** Definitions no finite output can satisfy: every path back to them is required. */
    private void checkCycles() {
        for (RefCheck.Cycle c : refs.cycles()) {
            add(
                    LintRule.REF_CYCLE,
                    c.ref().equals("#") ? "" : c.ref().substring(1),
                    "unsatisfiable $ref cycle " + String.join(" -> ", c.cycle())
                            + ": every link is required and not nullable, so no finite output fits;"
                            + " make one link optional with a null type union, e.g. \"type\": [\"object\", \"null\"]");
        }
    }

    /** Bounds that contradict each other: no value fits. */
    private void checkSatisfiable(JsonNode s, String ptr) {
        bounds(s, "minimum", "maximum", ptr);
        bounds(s, "minItems", "maxItems", ptr);
        JsonNode t = s.get("type");
        if (t != null && t.isArray() && t.isEmpty()) {
            add(LintRule.UNSATISFIABLE, ptr + "/type", "an empty type list allows no value; name at least one type");
        }
    }

    private void bounds(JsonNode s, String lo, String hi, String ptr) {
        JsonNode a = s.get(lo);
        JsonNode b = s.get(hi);
        if (a != null
                && b != null
                && a.isNumber()
                && b.isNumber()
                && a.decimalValue().compareTo(b.decimalValue()) > 0) {
            add(
                    LintRule.UNSATISFIABLE,
                    ptr + "/" + lo,
                    lo + " " + a + " is above " + hi + " " + b + ": no value fits; swap or fix the bounds");
        }
    }

    private void checkDepth(JsonNode s, String ptr, int depth, Set<String> refStack) {
        if (depth + nesting.height(s) <= MAX_DEPTH) {
            return; // nothing below goes past the limit: the height of each definition is known once
        }
        JsonNode r = s;
        if (s.has("$ref")) {
            String ref = s.get("$ref").asText();
            if (!refStack.add(ref)) {
                return; // recursion: allowed, and counted once
            }
            if (!depthWalked.add(ref + "@" + depth)) {
                return; // this definition at this depth is already reported (at its first use)
            }
            r = ref.equals("#") ? root : root.at(ref.substring(1));
            if (r.isMissingNode()) {
                return;
            }
        }
        int d = isObjectSchema(r) ? depth + 1 : depth;
        if (d > MAX_DEPTH) {
            add(LintRule.DEPTH_LIMIT, ptr, "nesting reaches " + d + " levels here; the limit is " + MAX_DEPTH);
            return;
        }
        final JsonNode node = r;
        node.path("properties")
                .properties()
                .forEach(p -> checkDepth(p.getValue(), ptr + "/properties/" + escape(p.getKey()), d, copy(refStack)));
        if (node.has("items")) {
            checkDepth(node.get("items"), ptr + "/items", d, copy(refStack));
        }
        for (int i = 0; i < node.path("anyOf").size(); i++) {
            checkDepth(node.get("anyOf").get(i), ptr + "/anyOf/" + i, d, copy(refStack));
        }
    }

    private void checkTotals() {
        if (properties > MAX_PROPERTIES) {
            add(
                    LintRule.PROPERTY_LIMIT,
                    "",
                    "the schema defines " + properties + " properties; the limit is " + MAX_PROPERTIES);
        }
        if (enumValues > MAX_ENUM_VALUES) {
            add(
                    LintRule.ENUM_VALUE_LIMIT,
                    "",
                    "the schema has " + enumValues + " enum values; the limit is " + MAX_ENUM_VALUES);
        }
        if (chars > MAX_STRING_CHARS) {
            add(
                    LintRule.STRING_SIZE_LIMIT,
                    "",
                    "property names, definition names, enum and const values total " + chars
                            + " characters; the limit is " + MAX_STRING_CHARS);
        }
    }

    private void checkSchemaVersion() {
        JsonNode v = root.path("properties").path("schema_version");
        boolean fixed = v.path("enum").size() == 1 || v.has("const");
        if (v.isMissingNode() || !fixed) {
            add(
                    LintRule.SCHEMA_VERSION,
                    "/properties/schema_version",
                    "add a required \"schema_version\" property"
                            + " fixed to this version, e.g. {\"type\": \"string\", \"enum\": [\"v2\"]}, so every output says"
                            + " which version it is");
        }
    }

    static boolean isObjectSchema(JsonNode s) {
        JsonNode t = s.path("type");
        if (t.isArray()) {
            for (JsonNode x : t) {
                if ("object".equals(x.asText())) {
                    return true;
                }
            }
            return false;
        }
        return "object".equals(t.asText()) || (!s.has("type") && s.has("properties"));
    }

    private static Set<String> copy(Set<String> s) {
        return new HashSet<>(s);
    }

    static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    private void add(LintRule rule, String ptr, String message) {
        int n = perRule.merge(rule, 1, Integer::sum);
        if (n <= MAX_FINDINGS_PER_RULE) {
            findings.add(new LintFinding(rule, ptr, message));
        }
    }
}
