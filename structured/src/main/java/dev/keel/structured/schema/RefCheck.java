package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code $ref}s of one schema document: which point outside it, which do not resolve, and which
 * definitions sit on an unsatisfiable cycle (every instance would have to contain itself: each path
 * back to the definition is required, non-nullable and not behind an escapable branch or an array
 * that may be empty). Each definition is examined once. Stateless apart from its memo; one per
 * document.
 */
final class RefCheck {

    /**
     * A definition on an unsatisfiable cycle.
     *
     * @param ref the {@code $ref} of the definition, e.g. {@code #/$defs/node}
     * @param cycle the refs of the cycle in order, ending where it started
     */
    record Cycle(String ref, List<String> cycle) {}

    private final JsonNode root;
    private final Map<String, Set<String>> forced = new HashMap<>();

    RefCheck(JsonNode root) {
        this.root = root;
    }

    /** Whether {@code ref} points outside this document (a URL or a relative file). */
    static boolean external(String ref) {
        return !ref.startsWith("#");
    }

    /** The node {@code ref} names, or a missing node when it does not resolve inside the document. */
    JsonNode target(String ref) {
        if (ref.equals("#")) {
            return root;
        }
        if (!ref.startsWith("#/")) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return root.at(ref.substring(1));
    }

    /** Every definition on an unsatisfiable cycle, each cycle reported once, in document order. */
    List<Cycle> cycles() {
        Set<String> refs = new LinkedHashSet<>();
        collectRefs(root, refs);
        // the graph: a definition -> the definitions every instance of it must contain
        Map<String, Set<String>> graph = new LinkedHashMap<>();
        for (String r : refs) {
            if (!external(r) && !target(r).isMissingNode()) {
                graph.put(r, forcedBy(r));
            }
        }
        List<Cycle> out = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (String r : graph.keySet()) {
            if (reported.contains(r)) {
                continue;
            }
            List<String> path = findCycle(graph, r);
            if (path != null) {
                reported.addAll(path);
                out.add(new Cycle(r, path));
            }
        }
        return out;
    }

    /** A path r -> ... -> r in the forced graph (breadth first, so the shortest), or null. */
    private static List<String> findCycle(Map<String, Set<String>> graph, String start) {
        Map<String, String> parent = new HashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>();
        for (String n : graph.getOrDefault(start, Set.of())) {
            if (parent.putIfAbsent(n, start) == null) {
                queue.add(n);
            }
        }
        while (!queue.isEmpty()) {
            String n = queue.poll();
            if (n.equals(start)) {
                List<String> path = new ArrayList<>();
                String at = start;
                do {
                    path.add(0, at);
                    at = parent.get(at);
                } while (!at.equals(start));
                path.add(0, start);
                return path;
            }
            for (String m : graph.getOrDefault(n, Set.of())) {
                if (parent.putIfAbsent(m, n) == null) {
                    queue.add(m);
                }
            }
        }
        return null;
    }

    private void collectRefs(JsonNode s, Set<String> out) {
        if (s.isObject()) {
            JsonNode ref = s.get("$ref");
            if (ref != null && ref.isTextual()) {
                out.add(ref.asText());
            }
            s.forEach(v -> collectRefs(v, out));
        } else if (s.isArray()) {
            s.forEach(v -> collectRefs(v, out));
        }
    }

    /** The refs that every instance of the definition {@code ref} must contain (memoised). */
    private Set<String> forcedBy(String ref) {
        Set<String> f = forced.get(ref);
        if (f == null) {
            f = new HashSet<>();
            forced.put(ref, f);
            f.addAll(forcedIn(target(ref)));
        }
        return f;
    }

    /** The refs every instance of {@code s} must contain, following required properties inline. */
    private Set<String> forcedIn(JsonNode s) {
        if (!s.isObject()) {
            return Set.of();
        }
        if (s.has("$ref")) {
            String r = s.get("$ref").asText();
            return external(r) ? Set.of() : Set.of(r);
        }
        if (allowsNull(s)) {
            return Set.of();
        }
        JsonNode anyOf = s.has("anyOf") ? s.get("anyOf") : s.get("oneOf");
        if (anyOf != null && anyOf.isArray()) {
            Set<String> common = null;
            for (JsonNode b : anyOf) {
                Set<String> fb = forcedIn(b);
                if (common == null) {
                    common = new HashSet<>(fb);
                } else {
                    common.retainAll(fb);
                }
            }
            return common == null ? Set.of() : common;
        }
        Set<String> out = new HashSet<>();
        if (SchemaLint.isObjectSchema(s)) {
            JsonNode props = s.path("properties");
            for (JsonNode r : s.path("required")) {
                JsonNode p = props.get(r.asText());
                if (p != null) {
                    out.addAll(forcedIn(p));
                }
            }
        }
        if (s.has("items") && s.path("minItems").asInt(0) > 0) {
            out.addAll(forcedIn(s.get("items")));
        }
        return out;
    }

    private static boolean allowsNull(JsonNode s) {
        JsonNode t = s.get("type");
        if (t != null && t.isArray()) {
            for (JsonNode x : t) {
                if ("null".equals(x.asText())) {
                    return true;
                }
            }
        }
        if (t != null && "null".equals(t.asText())) {
            return true;
        }
        if (s.has("enum")) {
            for (JsonNode v : s.get("enum")) {
                if (v.isNull()) {
                    return true;
                }
            }
        }
        return false;
    }
}
