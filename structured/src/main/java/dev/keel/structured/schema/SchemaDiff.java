package dev.keel.structured.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.structured.schema.SchemaChange.Counterexample;
import dev.keel.structured.schema.internal.BranchPairing;
import dev.keel.structured.schema.internal.DiffPath;
import dev.keel.structured.schema.internal.DiffPath.Side;
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

    /** At most this many verified counterexamples are built per change kind; later changes get none. */
    public static final int EXAMPLES_PER_KIND = 5;

    /** At most this many attempts are made per change kind to build a verified counterexample. */
    static final int ATTEMPTS_PER_KIND = 4 * EXAMPLES_PER_KIND;

    /** The lint rules that make two schemas impossible to compare. */
    private static final Set<LintRule> NOT_COMPARABLE =
            Set.of(LintRule.ROOT_NOT_OBJECT, LintRule.EXTERNAL_REF, LintRule.UNRESOLVED_REF, LintRule.REF_CYCLE);

    /**
     * What {@link #report} found.
     *
     * @param changes every change, in document order; at most {@link #EXAMPLES_PER_KIND} of each kind
     *     carry a counterexample
     * @param notes what the reader should know beyond the changes, in words: changes of a kind left
     *     without an example, a schema beyond the API's limits
     * @param beyondLimits whether either schema is beyond what the API accepts (its size limits)
     */
    public record Report(List<SchemaChange> changes, List<String> notes, boolean beyondLimits) {
        public Report {
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }
    }

    private final JsonNode oldRoot;
    private final JsonNode newRoot;
    private final SchemaValidator validator;
    private com.networknt.schema.Schema oldCompiled;
    private com.networknt.schema.Schema newCompiled;
    private final List<SchemaChange> changes = new ArrayList<>();
    private final Set<String> visited = new HashSet<>();
    private final java.util.Map<ChangeKind, int[]> examples = new java.util.EnumMap<>(ChangeKind.class);

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
        return report(oldSchema, newSchema, validator).changes();
    }

    /** As {@link #report(JsonNode, JsonNode, SchemaValidator)} with a fresh validator. */
    public static Report report(JsonNode oldSchema, JsonNode newSchema) {
        return report(oldSchema, newSchema, new SchemaValidator());
    }

    /**
     * Every change from {@code oldSchema} to {@code newSchema} with notes. The work is linear in the
     * size of the documents plus a bounded number of counterexamples ({@link #EXAMPLES_PER_KIND} per
     * kind), each checked against both schemas compiled once.
     *
     * @throws SchemaNotComparableException when either schema is not an object, has a {@code $ref}
     *     outside the document or one that does not resolve, or an unsatisfiable {@code $ref} cycle
     */
    public static Report report(JsonNode oldSchema, JsonNode newSchema, SchemaValidator validator) {
        List<String> notes = new ArrayList<>();
        boolean beyond = preflight("old", oldSchema, notes) | preflight("new", newSchema, notes);
        var d = new SchemaDiff(oldSchema, newSchema, validator);
        d.compare(oldSchema, newSchema, Pointer.ROOT, DiffPath.ROOT);
        java.util.Map<ChangeKind, Integer> without = new java.util.EnumMap<>(ChangeKind.class);
        for (SchemaChange c : d.changes) {
            if (c.exampleSkipped()) {
                without.merge(c.kind(), 1, Integer::sum);
            }
        }
        without.forEach((k, n) -> notes.add(n + " more " + k + " change(s) not shown with an example (the first "
                + EXAMPLES_PER_KIND + " of each kind get one)"));
        return new Report(d.changes, notes, beyond);
    }

    /** Refuses a schema that cannot be compared; notes one beyond the API's limits. */
    private static boolean preflight(String side, JsonNode schema, List<String> notes) {
        if (!schema.isObject()) {
            throw new SchemaNotComparableException(
                    side + " schema is not a JSON object; a schema diff compares two" + " object schemas");
        }
        SchemaLint.Report lint = SchemaLint.report(schema);
        boolean beyond = false;
        for (LintFinding f : lint.findings()) {
            if (NOT_COMPARABLE.contains(f.rule()) && f.rule() != LintRule.ROOT_NOT_OBJECT) {
                throw new SchemaNotComparableException(side + " schema cannot be compared: "
                        + (f.pointer().isEmpty() ? "/" : f.pointer()) + ": " + f.message() + " [" + f.rule() + "]");
            }
            if (SchemaLint.LIMITS.contains(f.rule())) {
                beyond = true;
                notes.add(side + " schema exceeds the API's limits: " + f.message() + " [" + f.rule() + "]");
            }
        }
        return beyond;
    }

    /** Whether any change is breaking. */
    public static boolean breaking(List<SchemaChange> changes) {
        return changes.stream().anyMatch(SchemaChange::breaking);
    }

    private void compare(JsonNode o, JsonNode n, Pointer ptr, DiffPath path) {
        JsonNode ro = Schemas.resolve(oldRoot, o);
        JsonNode rn = Schemas.resolve(newRoot, n);
        boolean viaRef = o.has("$ref") || n.has("$ref");
        if (viaRef && !visited.add(System.identityHashCode(ro) + ":" + System.identityHashCode(rn))) {
            return; // a shared or recursive definition is compared once
        }
        description(ro, rn, ptr, path);
        if (isUnion(oldRoot, ro) || isUnion(newRoot, rn)) {
            nullability(ro, rn, ptr, path);
            branches(ro, rn, ptr, path);
            return;
        }
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
            compare(so.path("items"), sn.path("items"), ptr.child("items"), path.item());
        }
    }

    private static boolean isUnion(JsonNode root, JsonNode s) {
        return Schemas.valueBranches(root, s).size() > 1;
    }

    /**
     * Compares the value branches of two unions pair by pair ({@link BranchPairing}); a side that is no
     * union takes part as its one non-null branch. An unpaired old branch was removed (narrows), an
     * unpaired new one added (widens).
     */
    private void branches(JsonNode ro, JsonNode rn, Pointer ptr, DiffPath path) {
        Arms old = Arms.of(oldRoot, ro);
        Arms now = Arms.of(newRoot, rn);
        for (BranchPairing.Pair p : BranchPairing.pair(oldRoot, old.nodes(), newRoot, now.nodes())) {
            int oi = p.oldIndex() < 0 ? -1 : old.indices().get(p.oldIndex());
            int ni = p.newIndex() < 0 ? -1 : now.indices().get(p.newIndex());
            DiffPath bp = path.branch(old.keyword(), oi, now.keyword(), ni);
            Pointer bptr = ptr.branch(old.token(oi), now.token(ni));
            if (p.oldIndex() >= 0 && p.newIndex() >= 0) {
                compare(old.nodes().get(p.oldIndex()), now.nodes().get(p.newIndex()), bptr, bp);
            } else if (p.oldIndex() >= 0) {
                JsonNode b = old.nodes().get(p.oldIndex());
                add(
                        ChangeKind.BRANCH_REMOVED,
                        bptr,
                        bp,
                        "removed a " + shape(oldRoot, b) + " branch",
                        null,
                        null,
                        () -> verified(oldSide(bp), "old"));
            } else {
                JsonNode b = now.nodes().get(p.newIndex());
                add(
                        ChangeKind.BRANCH_ADDED,
                        bptr,
                        bp,
                        "added a " + shape(newRoot, b) + " branch",
                        null,
                        null,
                        () -> verified(newSide(bp), "new"));
            }
        }
    }

    /** {@code object {id, email}}, {@code string}: what a branch holds, for the change's detail. */
    private static String shape(JsonNode root, JsonNode branch) {
        JsonNode s = Schemas.structural(root, branch);
        String types = String.join("|", Schemas.nonNullTypes(root, s));
        List<String> props = new ArrayList<>();
        s.path("properties").fieldNames().forEachRemaining(props::add);
        String ref = branch.has("$ref") ? " (" + branch.get("$ref").asText() + ")" : "";
        return (types.isEmpty() ? "any" : types) + (props.isEmpty() ? "" : " {" + String.join(", ", props) + "}") + ref;
    }

    /**
     * One side's branches: the combinator's value branches with their indices, or for a node that is
     * no union the node itself (its non-null part, without its description, which the union level
     * compared) under index -1.
     */
    private record Arms(String keyword, List<Integer> indices, List<JsonNode> nodes) {
        static Arms of(JsonNode root, JsonNode s) {
            List<Integer> idx = Schemas.valueBranches(root, s);
            if (idx.size() > 1) {
                String k = Schemas.combinator(s);
                return new Arms(k, idx, idx.stream().map(i -> s.get(k).get(i)).toList());
            }
            return new Arms(null, List.of(-1), List.of(nonNullPart(root, s)));
        }

        String token(int index) {
            return index < 0 ? null : keyword + "/" + index;
        }

        private static JsonNode nonNullPart(JsonNode root, JsonNode s) {
            if (!(Schemas.structural(root, s).deepCopy() instanceof ObjectNode x)) {
                return s; // a boolean schema has no parts
            }
            x.remove(List.of("description", "title"));
            if (x.path("type").isArray()) {
                ArrayNode t = F.arrayNode();
                x.get("type").forEach(v -> {
                    if (!v.asText().equals("null")) {
                        t.add(v);
                    }
                });
                x.set("type", t.size() == 1 ? t.get(0) : t);
            }
            return x;
        }
    }

    /** The JSON pointer of the node being compared in each document; they differ below re-paired branches. */
    private record Pointer(String old, String now) {
        static final Pointer ROOT = new Pointer("", "");

        Pointer child(String token) {
            return new Pointer(old + "/" + token, now + "/" + token);
        }

        /** Into a branch on each side; a null token stays on that side's node. */
        Pointer branch(String oldToken, String newToken) {
            return new Pointer(
                    oldToken == null ? old : old + "/" + oldToken, newToken == null ? now : now + "/" + newToken);
        }

        String in(Side side) {
            return side == Side.OLD ? old : now;
        }
    }

    private static boolean sameTypes(Set<String> a, Set<String> b) {
        Set<String> x = new HashSet<>(a);
        Set<String> y = new HashSet<>(b);
        return x.equals(y) || (x.isEmpty() || y.isEmpty());
    }

    private void typeChanged(Set<String> to, Set<String> tn, Pointer ptr, DiffPath path) {
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
                            return withValue(
                                    oldSide(path),
                                    path,
                                    Instances.ofType(oldRoot, path.schemaAt(oldRoot, Side.OLD), t),
                                    "old");
                        }
                    }
                    for (String t : tn) {
                        if (!to.contains(t)) {
                            return withValue(
                                    newSide(path),
                                    path,
                                    Instances.ofType(newRoot, path.schemaAt(newRoot, Side.NEW), t),
                                    "new");
                        }
                    }
                    return null;
                });
    }

    private void nullability(JsonNode ro, JsonNode rn, Pointer ptr, DiffPath path) {
        boolean was = Schemas.nullable(oldRoot, ro);
        boolean is = Schemas.nullable(newRoot, rn);
        if (was == is || path.isRootValue()) {
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
                    () -> withValue(newSide(path), path, F.nullNode(), "new"));
        } else {
            add(
                    ChangeKind.NULLABILITY_CHANGED,
                    ptr,
                    path,
                    "no longer nullable: old outputs holding null are refused",
                    Risk.NONE,
                    Risk.HIGH,
                    () -> withValue(oldSide(path), path, F.nullNode(), "old"));
        }
    }

    private void enums(JsonNode so, JsonNode sn, Pointer ptr, DiffPath path) {
        if (!so.has("enum") && !sn.has("enum")) {
            return;
        }
        if (path.isRootProperty("schema_version")) {
            if (!values(so.get("enum")).equals(values(sn.get("enum")))) {
                add(
                        ChangeKind.VERSION_CHANGED,
                        ptr.child("enum"),
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
                    ptr.child("enum"),
                    path,
                    so.has("enum") ? "removed " + removed : "values restricted to " + nv,
                    null,
                    null,
                    () -> withValue(oldSide(path), path, sample, "old"));
        }
        if (so.has("enum") && (!sn.has("enum") || !added.isEmpty())) {
            JsonNode sample = sn.has("enum") ? added.iterator().next() : F.textNode("unlisted_value");
            add(
                    ChangeKind.ENUM_WIDENED,
                    ptr.child("enum"),
                    path,
                    sn.has("enum") ? "added " + added : "enum removed: any value allowed",
                    null,
                    null,
                    () -> withValue(newSide(path), path, sample, "new"));
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

    private void bounds(JsonNode so, JsonNode sn, Pointer ptr, DiffPath path) {
        for (String k : LOWER_BOUNDS) {
            bound(so, sn, k, true, ptr, path);
        }
        for (String k : UPPER_BOUNDS) {
            bound(so, sn, k, false, ptr, path);
        }
    }

    private void bound(JsonNode so, JsonNode sn, String k, boolean lower, Pointer ptr, DiffPath path) {
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
                    ptr.child(k),
                    path,
                    detail,
                    null,
                    null,
                    () -> withValue(oldSide(path), path, boundary(so, sn, k, lower), "old"));
        } else {
            add(ChangeKind.CONSTRAINT_LOOSENED, ptr.child(k), path, detail, null, null, () -> null);
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

    private void formats(JsonNode so, JsonNode sn, Pointer ptr, DiffPath path) {
        for (String k : List.of("pattern", "format")) {
            String a = so.path(k).asText(null);
            String b = sn.path(k).asText(null);
            if (a == null ? b != null : !a.equals(b)) {
                add(ChangeKind.FORMAT_CHANGED, ptr.child(k), path, k + " " + a + " -> " + b, null, null, () -> null);
            }
        }
    }

    private void description(JsonNode ro, JsonNode rn, Pointer ptr, DiffPath path) {
        for (String k : List.of("description", "title")) {
            if (!ro.path(k).equals(rn.path(k))) {
                add(ChangeKind.DESCRIPTION_CHANGED, ptr.child(k), path, k + " changed", null, null, () -> null);
            }
        }
    }

    private void objects(JsonNode so, JsonNode sn, Pointer ptr, DiffPath path) {
        Set<String> reqOld = names(so.path("required"));
        Set<String> reqNew = names(sn.path("required"));
        JsonNode po = so.path("properties");
        JsonNode pn = sn.path("properties");
        po.fieldNames().forEachRemaining(p -> {
            Pointer pp = ptr.child("properties").child(SchemaLint.escape(p));
            DiffPath fp = path.property(p);
            if (!pn.has(p)) {
                add(ChangeKind.FIELD_REMOVED, pp, fp, "property removed", null, null, () -> removed(fp));
            } else {
                if (reqOld.contains(p) && !reqNew.contains(p)) {
                    add(
                            ChangeKind.REQUIRED_REMOVED,
                            ptr.child("required"),
                            fp,
                            "no longer required",
                            null,
                            null,
                            () -> without(newSide(path), fp, "new"));
                }
                if (!reqOld.contains(p) && reqNew.contains(p)) {
                    add(
                            ChangeKind.REQUIRED_ADDED,
                            ptr.child("required"),
                            fp,
                            "now required",
                            null,
                            null,
                            () -> without(oldSide(path), fp, "old"));
                }
                compare(po.get(p), pn.get(p), pp, fp);
            }
        });
        pn.fieldNames().forEachRemaining(p -> {
            if (po.has(p)) {
                return;
            }
            Pointer pp = ptr.child("properties").child(SchemaLint.escape(p));
            DiffPath fp = path.property(p);
            if (reqNew.contains(p)) {
                add(
                        ChangeKind.REQUIRED_ADDED,
                        pp,
                        fp,
                        "new required property",
                        null,
                        null,
                        () -> without(oldSide(path), fp, "old"));
            } else {
                add(
                        ChangeKind.FIELD_ADDED,
                        pp,
                        fp,
                        "new optional property",
                        null,
                        null,
                        () -> withValue(newSide(path), fp, Instances.minimal(newRoot, pn.get(p)), "new"));
            }
        });
    }

    private Counterexample removed(DiffPath fp) {
        Counterexample c =
                withValue(oldSide(fp), fp, Instances.minimal(oldRoot, fp.schemaAt(oldRoot, Side.OLD)), "old");
        return c != null ? c : without(newSide(fp), fp, "new");
    }

    private static Set<String> names(JsonNode arr) {
        Set<String> out = new HashSet<>();
        arr.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** A valid old instance whose values along {@code path} come from the old branches it chose. */
    private JsonNode oldSide(DiffPath path) {
        return path.base(oldRoot, Side.OLD);
    }

    /** A valid new instance whose values along {@code path} come from the new branches it chose. */
    private JsonNode newSide(DiffPath path) {
        return path.base(newRoot, Side.NEW);
    }

    private Counterexample withValue(JsonNode base, DiffPath path, JsonNode value, String acceptedBy) {
        if (!Instances.set(base, path.instancePath(), value)) {
            return null;
        }
        return verified(base, acceptedBy);
    }

    private Counterexample without(JsonNode base, DiffPath path, String acceptedBy) {
        Instances.remove(base, path.instancePath());
        return verified(base, acceptedBy);
    }

    private Counterexample verified(JsonNode instance, String acceptedBy) {
        if (oldCompiled == null) { // each schema is compiled once per diff, when the first example is checked
            oldCompiled = validator.compile(oldRoot);
            newCompiled = validator.compile(newRoot);
        }
        boolean oldOk = SchemaValidator.accepts(oldCompiled, instance);
        boolean newOk = SchemaValidator.accepts(newCompiled, instance);
        boolean ok = acceptedBy.equals("old") ? oldOk && !newOk : newOk && !oldOk;
        return ok ? new Counterexample(instance, acceptedBy) : null;
    }

    private void add(
            ChangeKind kind,
            Pointer ptr,
            DiffPath path,
            String detail,
            Risk consumers,
            Risk inFlight,
            Supplier<Counterexample> example) {
        var change = new SchemaChange(
                kind,
                ptr.in(kind == ChangeKind.FIELD_REMOVED || kind == ChangeKind.BRANCH_REMOVED ? Side.OLD : Side.NEW),
                path.field(),
                detail,
                consumers == null ? kind.consumerRisk() : consumers,
                inFlight == null ? kind.inFlightRisk() : inFlight,
                kind.breaking(),
                null,
                false);
        if (!kind.breaking()) {
            changes.add(change);
            return;
        }
        int[] tally = examples.computeIfAbsent(kind, k -> new int[2]); // {verified, attempts}
        if (tally[0] >= EXAMPLES_PER_KIND || tally[1] >= ATTEMPTS_PER_KIND) {
            changes.add(change.withoutExample());
            return;
        }
        tally[1]++;
        Counterexample c = example.get();
        if (c != null) {
            tally[0]++;
        }
        changes.add(change.withCounterexample(c));
    }
}
