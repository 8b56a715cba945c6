package dev.keel.structured.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a schema diff stands: the instance path of the value being compared (properties and array
 * items) together with the combinator branch chosen on each side, so that a counterexample can be
 * built through the branch a change is in. Immutable.
 *
 * @param steps from the root down
 */
public record DiffPath(List<Step> steps) {

    /** The root of both documents. */
    public static final DiffPath ROOT = new DiffPath(List.of());

    /** Which of the two documents. */
    public enum Side {
        OLD,
        NEW
    }

    /** One step down: a property, an array's items, or a branch of an {@code anyOf}/{@code oneOf}. */
    public sealed interface Step {}

    /** Into the property {@code name}. */
    public record Property(String name) implements Step {}

    /** Into an array's items. */
    public record Item() implements Step {}

    /**
     * Into branch {@code oldIndex} of the old node's {@code oldKeyword} and {@code newIndex} of the new
     * node's {@code newKeyword}; an index of -1 means that side is not a combinator (or has no such
     * branch), so it stays on the node itself. The instance path does not change.
     */
    public record Branch(String oldKeyword, int oldIndex, String newKeyword, int newIndex) implements Step {
        int index(Side side) {
            return side == Side.OLD ? oldIndex : newIndex;
        }

        String keyword(Side side) {
            return side == Side.OLD ? oldKeyword : newKeyword;
        }
    }

    public DiffPath {
        steps = List.copyOf(steps);
    }

    public DiffPath property(String name) {
        return with(new Property(name));
    }

    public DiffPath item() {
        return with(new Item());
    }

    public DiffPath branch(String oldKeyword, int oldIndex, String newKeyword, int newIndex) {
        return with(new Branch(oldKeyword, oldIndex, newKeyword, newIndex));
    }

    /** Whether this is the root value (branches do not move away from it). */
    public boolean isRootValue() {
        return instancePath().isEmpty();
    }

    /** Whether this is the root's property {@code name}, outside any branch. */
    public boolean isRootProperty(String name) {
        return steps.equals(List.of(new Property(name)));
    }

    /** The instance path as {@link Instances} edits it: property names and {@code []}. */
    public List<String> instancePath() {
        List<String> out = new ArrayList<>();
        for (Step s : steps) {
            switch (s) {
                case Property p -> out.add(p.name());
                case Item i -> out.add("[]");
                case Branch b -> {}
            }
        }
        return List.copyOf(out);
    }

    /** {@code owner.id}, {@code items[].id}, {@code $} for the root. */
    public String field() {
        var b = new StringBuilder();
        for (String step : instancePath()) {
            if (step.equals("[]")) {
                b.append("[]");
            } else {
                b.append(b.isEmpty() ? "" : ".").append(step);
            }
        }
        return b.isEmpty() ? "$" : b.toString();
    }

    /** The schema node of the value here, in {@code root} (one side's document). */
    public JsonNode schemaAt(JsonNode root, Side side) {
        JsonNode s = root;
        for (Step step : steps) {
            s = down(root, s, step, side);
        }
        return s;
    }

    /**
     * A small valid instance of {@code root} whose values along this path are built from the branches
     * the path chose on {@code side} (without branches, {@link Instances#minimal} of the root).
     */
    public JsonNode base(JsonNode root, Side side) {
        boolean branched = steps.stream().anyMatch(Branch.class::isInstance);
        return branched ? build(root, root, 0, side) : Instances.minimal(root, root);
    }

    private JsonNode build(JsonNode root, JsonNode schema, int from, Side side) {
        if (from == steps.size()) {
            return Instances.minimal(root, schema);
        }
        Step step = steps.get(from);
        JsonNode child = down(root, schema, step, side);
        if (step instanceof Branch) {
            return build(root, child, from + 1, side);
        }
        JsonNode value = Instances.minimal(root, Schemas.structural(root, schema));
        if (child.isMissingNode()) {
            return value;
        }
        JsonNode inner = build(root, child, from + 1, side);
        if (step instanceof Property p && value instanceof ObjectNode o) {
            o.set(p.name(), inner);
        } else if (step instanceof Item && value instanceof ArrayNode a) {
            if (a.isEmpty()) {
                a.add(inner);
            } else {
                a.set(0, inner);
            }
        }
        return value;
    }

    private static JsonNode down(JsonNode root, JsonNode s, Step step, Side side) {
        return switch (step) {
            case Property p -> Schemas.structural(root, s).path("properties").path(p.name());
            case Item i -> Schemas.structural(root, s).path("items");
            case Branch b ->
                b.index(side) < 0
                        ? s
                        : Schemas.resolve(root, s).path(b.keyword(side)).path(b.index(side));
        };
    }

    private DiffPath with(Step step) {
        var out = new ArrayList<>(steps);
        out.add(step);
        return new DiffPath(out);
    }
}
