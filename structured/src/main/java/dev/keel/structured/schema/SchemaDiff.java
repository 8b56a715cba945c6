package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.keel.structured.schema.SchemaChange.Counterexample;
import dev.keel.structured.schema.internal.Instances;
import dev.keel.structured.schema.internal.Schemas;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares two versions of a schema and classifies every difference as a {@link ChangeKind} with its
 * risk for consumers and for in-flight outputs. Both documents are compared structurally after
 * resolving {@code $ref}, so key order and formatting never count. For each breaking change it builds
 * a concrete output that one version accepts and the other rejects, and keeps it only when the
 * {@link SchemaValidator} confirms both verdicts. Stateless and thread-safe.
 */
public final class SchemaDiff {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final List<String> LOWER_BOUNDS = List.of("minimum", "exclusiveMinimum", "minItems");
    private static final List<String> UPPER_BOUNDS = List.of("maximum", "exclusiveMaximum", "maxItems");

    private final JsonNode oldRoot;
    private final JsonNode newRoot;
    private final SchemaValidator validator;
    private final List<SchemaChange> changes = new ArrayList<>();
    private final Set<String> visited = new HashSet<>();

    private SchemaDiff(JsonNode oldRoot, JsonNode newRoot, SchemaValidator validator) {
        this.oldRoot = oldRoot;
        this.newRoot = newRoot;
        this.validator = validator;
    }

    /** Every change from {@code oldSchema} to {@code newSchema}, in document order. */
    public static List<SchemaChange> diff(JsonNode oldSchema, JsonNode newSchema) {
        return diff(oldSchema, newSchema, new SchemaValidator());
    }

    /** As {@link #diff(JsonNode, JsonNode)}, checking counterexamples with {@code validator}. */
    public static List<SchemaChange> diff(JsonNode oldSchema, JsonNode newSchema, SchemaValidator validator) {
        var d = new SchemaDiff(oldSchema, newSchema, validator);
        d.compare(oldSchema, newSchema, "", List.of());
        return List.copyOf(d.changes);
    }

    /** Whether any change is breaking. */
    public static boolean breaking(List<SchemaChange> changes) {
        return changes.stream().anyMatch(SchemaChange::breaking);
    }

    private void compare(JsonNode o, JsonNode n, String ptr, List<String> path) {
        JsonNode ro = Schemas.resolve(oldRoot, o);
        JsonNode rn = Schemas.resolve(newRoot, n);
        boolean viaRef = o.has("$ref") || n.has("$ref");
        if (viaRef && !visited.add(System.identityHashCode(ro) + ":" + System.identityHashCode(rn))) {
            return; // a shared or recursive definition is compared once
        }
        description(ro, rn, ptr, path);
        Set<String> to = Schemas.nonNullTypes(oldRoot, ro);
        Set<String> tn = Schemas.nonNullTypes(newRoot, rn);
        if (!sameTypes(to, tn)) {
            typeChanged(to, tn, ptr, path);
            return;
        }
        nullability(ro, rn, ptr, path);
        JsonNode so = Schemas.structural(oldRoot, ro);
        JsonNode sn = Schemas.structural(newRoot, rn);
        enums(so, sn, ptr, path);
        bounds(so, sn, ptr, path);
        formats(so, sn, ptr, path);
        if (to.contains("object")) {
            objects(so, sn, ptr, path);
        }
        if (to.contains("array") && (so.has("items") || sn.has("items"))) {
            compare(so.path("items"), sn.path("items"), ptr + "/items", append(path, "[]"));
        }
    }

    private static boolean sameTypes(Set<String> a, Set<String> b) {
        Set<String> x = new HashSet<>(a);
        Set<String> y = new HashSet<>(b);
        return x.equals(y) || (x.isEmpty() || y.isEmpty());
    }

    private void typeChanged(Set<String> to, Set<String> tn, String ptr, List<String> path) {
        add(
                ChangeKind.TYPE_CHANGED,
                ptr,
                path,
                String.join("|", to) + " -> " + String.join("|", tn),
                null,
                null,
                () -> {
                    for (String t : to) {
                        if (!tn.contains(t) && !(t.equals("integer") && tn.contains("number"))) {
                            return withValue(oldSide(), path, Instances.ofType(oldRoot, at(oldRoot, path), t), "old");
                        }
                    }
                    for (String t : tn) {
                        if (!to.contains(t)) {
                            return withValue(newSide(), path, Instances.ofType(newRoot, at(newRoot, path), t), "new");
                        }
                    }
                    return null;
                });
    }

    private void nullability(JsonNode ro, JsonNode rn, String ptr, List<String> path) {
        boolean was = Schemas.nullable(oldRoot, ro);
        boolean is = Schemas.nullable(newRoot, rn);
        if (was == is || path.isEmpty()) {
            return;
        }
        if (is) {
            add(
                    ChangeKind.NULLABILITY_CHANGED,
                    ptr,
                    path,
                    "became nullable: readers can now get null",
                    Risk.HIGH,
                    Risk.NONE,
                    () -> withValue(newSide(), path, F.nullNode(), "new"));
        } else {
            add(
                    ChangeKind.NULLABILITY_CHANGED,
                    ptr,
                    path,
                    "no longer nullable: old outputs holding null are refused",
                    Risk.NONE,
                    Risk.HIGH,
                    () -> withValue(oldSide(), path, F.nullNode(), "old"));
        }
    }

    private void enums(JsonNode so, JsonNode sn, String ptr, List<String> path) {
        if (!so.has("enum") && !sn.has("enum")) {
            return;
        }
        if (path.equals(List.of("schema_version"))) {
            if (!values(so.get("enum")).equals(values(sn.get("enum")))) {
                add(
                        ChangeKind.VERSION_CHANGED,
                        ptr + "/enum",
                        path,
                        values(so.get("enum")) + " -> " + values(sn.get("enum")),
                        null,
                        null,
                        () -> null);
            }
            return;
        }
        Set<JsonNode> ov = values(so.get("enum"));
        Set<JsonNode> nv = values(sn.get("enum"));
        Set<JsonNode> removed = new LinkedHashSet<>(ov);
        removed.removeAll(nv);
        Set<JsonNode> added = new LinkedHashSet<>(nv);
        added.removeAll(ov);
        if (sn.has("enum") && (!so.has("enum") || !removed.isEmpty())) {
            JsonNode sample = so.has("enum") ? removed.iterator().next() : F.textNode("unlisted_value");
            add(
                    ChangeKind.ENUM_NARROWED,
                    ptr + "/enum",
                    path,
                    so.has("enum") ? "removed " + removed : "values restricted to " + nv,
                    null,
                    null,
                    () -> withValue(oldSide(), path, sample, "old"));
        }
        if (so.has("enum") && (!sn.has("enum") || !added.isEmpty())) {
            JsonNode sample = sn.has("enum") ? added.iterator().next() : F.textNode("unlisted_value");
            add(
                    ChangeKind.ENUM_WIDENED,
                    ptr + "/enum",
                    path,
                    sn.has("enum") ? "added " + added : "enum removed: any value allowed",
                    null,
                    null,
                    () -> withValue(newSide(), path, sample, "new"));
        }
    }

    private static Set<JsonNode> values(JsonNode e) {
        Set<JsonNode> out = new LinkedHashSet<>();
        if (e != null) {
            e.forEach(v -> {
                if (!v.isNull()) {
                    out.add(v);
                }
            });
        }
        return out;
    }

    private void bounds(JsonNode so, JsonNode sn, String ptr, List<String> path) {
        for (String k : LOWER_BOUNDS) {
            bound(so, sn, k, true, ptr, path);
        }
        for (String k : UPPER_BOUNDS) {
            bound(so, sn, k, false, ptr, path);
        }
    }

    private void bound(JsonNode so, JsonNode sn, String k, boolean lower, String ptr, List<String> path) {
        JsonNode a = so.get(k);
        JsonNode b = sn.get(k);
        if (a == null && b == null || a != null && b != null && a.decimalValue().compareTo(b.decimalValue()) == 0) {
            return;
        }
        boolean tighter = a == null
                || (b != null
                        && (lower
                                ? b.decimalValue().compareTo(a.decimalValue()) > 0
                                : b.decimalValue().compareTo(a.decimalValue()) < 0));
        String detail = k + " " + (a == null ? "none" : a.asText()) + " -> " + (b == null ? "none" : b.asText());
        if (tighter) {
            add(
                    ChangeKind.CONSTRAINT_TIGHTENED,
                    ptr + "/" + k,
                    path,
                    detail,
                    null,
                    null,
                    () -> withValue(oldSide(), path, boundary(so, sn, k, lower), "old"));
        } else {
            add(ChangeKind.CONSTRAINT_LOOSENED, ptr + "/" + k, path, detail, null, null, () -> null);
        }
    }

    /** A value the old bounds allow and the new (tighter) one refuses. */
    private JsonNode boundary(JsonNode so, JsonNode sn, String k, boolean lower) {
        java.math.BigDecimal limit = sn.get(k).decimalValue();
        if (k.endsWith("Items")) {
            int count = lower ? limit.intValue() - 1 : limit.intValue() + 1;
            ArrayNode arr = F.arrayNode();
            for (int i = 0; i < Math.max(0, count); i++) {
                arr.add(Instances.minimal(oldRoot, so.path("items")));
            }
            return arr;
        }
        boolean exclusive = k.startsWith("exclusive");
        java.math.BigDecimal v = exclusive
                ? limit
                : lower ? limit.subtract(java.math.BigDecimal.ONE) : limit.add(java.math.BigDecimal.ONE);
        return F.numberNode(v);
    }

    private void formats(JsonNode so, JsonNode sn, String ptr, List<String> path) {
        for (String k : List.of("pattern", "format")) {
            String a = so.path(k).asText(null);
            String b = sn.path(k).asText(null);
            if (a == null ? b != null : !a.equals(b)) {
                add(ChangeKind.FORMAT_CHANGED, ptr + "/" + k, path, k + " " + a + " -> " + b, null, null, () -> null);
            }
        }
    }

    private void description(JsonNode ro, JsonNode rn, String ptr, List<String> path) {
        for (String k : List.of("description", "title")) {
            if (!ro.path(k).equals(rn.path(k))) {
                add(ChangeKind.DESCRIPTION_CHANGED, ptr + "/" + k, path, k + " changed", null, null, () -> null);
            }
        }
    }

    private void objects(JsonNode so, JsonNode sn, String ptr, List<String> path) {
        Set<String> reqOld = names(so.path("required"));
        Set<String> reqNew = names(sn.path("required"));
        JsonNode po = so.path("properties");
        JsonNode pn = sn.path("properties");
        po.fieldNames().forEachRemaining(p -> {
            String pp = ptr + "/properties/" + SchemaLint.escape(p);
            List<String> fp = append(path, p);
            if (!pn.has(p)) {
                add(ChangeKind.FIELD_REMOVED, pp, fp, "property removed", null, null, () -> removed(fp));
            } else {
                if (reqOld.contains(p) && !reqNew.contains(p)) {
                    add(
                            ChangeKind.REQUIRED_REMOVED,
                            ptr + "/required",
                            fp,
                            "no longer required",
                            null,
                            null,
                            () -> without(newSide(), fp, "new"));
                }
                if (!reqOld.contains(p) && reqNew.contains(p)) {
                    add(
                            ChangeKind.REQUIRED_ADDED,
                            ptr + "/required",
                            fp,
                            "now required",
                            null,
                            null,
                            () -> without(oldSide(), fp, "old"));
                }
                compare(po.get(p), pn.get(p), pp, fp);
            }
        });
        pn.fieldNames().forEachRemaining(p -> {
            if (po.has(p)) {
                return;
            }
            String pp = ptr + "/properties/" + SchemaLint.escape(p);
            List<String> fp = append(path, p);
            if (reqNew.contains(p)) {
                add(
                        ChangeKind.REQUIRED_ADDED,
                        pp,
                        fp,
                        "new required property",
                        null,
                        null,
                        () -> without(oldSide(), fp, "old"));
            } else {
                add(
                        ChangeKind.FIELD_ADDED,
                        pp,
                        fp,
                        "new optional property",
                        null,
                        null,
                        () -> withValue(newSide(), fp, Instances.minimal(newRoot, pn.get(p)), "new"));
            }
        });
    }

    private Counterexample removed(List<String> fp) {
        Counterexample c = withValue(oldSide(), fp, Instances.minimal(oldRoot, at(oldRoot, fp)), "old");
        return c != null ? c : without(newSide(), fp, "new");
    }

    private static Set<String> names(JsonNode arr) {
        Set<String> out = new HashSet<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    private JsonNode oldSide() {
        return Instances.minimal(oldRoot, oldRoot);
    }

    private JsonNode newSide() {
        return Instances.minimal(newRoot, newRoot);
    }

    private Counterexample withValue(JsonNode base, List<String> path, JsonNode value, String acceptedBy) {
        if (!Instances.set(base, path, value)) {
            return null;
        }
        return verified(base, acceptedBy);
    }

    private Counterexample without(JsonNode base, List<String> path, String acceptedBy) {
        Instances.remove(base, path);
        return verified(base, acceptedBy);
    }

    private Counterexample verified(JsonNode instance, String acceptedBy) {
        boolean oldOk = validator.accepts(oldRoot, instance);
        boolean newOk = validator.accepts(newRoot, instance);
        boolean ok = acceptedBy.equals("old") ? oldOk && !newOk : newOk && !oldOk;
        return ok ? new Counterexample(instance, acceptedBy) : null;
    }

    /** The schema node of the value at an instance path (through properties and items). */
    private static JsonNode at(JsonNode root, List<String> path) {
        JsonNode s = root;
        for (String step : path) {
            s = Schemas.structural(root, s);
            s = step.equals("[]") ? s.path("items") : s.path("properties").path(step);
        }
        return s;
    }

    private void add(
            ChangeKind kind,
            String ptr,
            List<String> path,
            String detail,
            Risk consumers,
            Risk inFlight,
            Supplier<Counterexample> example) {
        var change = new SchemaChange(
                kind,
                ptr,
                field(path),
                detail,
                consumers == null ? kind.consumerRisk() : consumers,
                inFlight == null ? kind.inFlightRisk() : inFlight,
                kind.breaking(),
                null);
        changes.add(kind.breaking() ? change.withCounterexample(example.get()) : change);
    }

    private static String field(List<String> path) {
        if (path.isEmpty()) {
            return "$";
        }
        var b = new StringBuilder();
        for (String step : path) {
            if (step.equals("[]")) {
                b.append("[]");
            } else {
                b.append(b.isEmpty() ? "" : ".").append(step);
            }
        }
        return b.toString();
    }

    private static List<String> append(List<String> path, String step) {
        var out = new ArrayList<>(path);
        out.add(step);
        return List.copyOf(out);
    }
}
