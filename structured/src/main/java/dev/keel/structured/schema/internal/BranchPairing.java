package dev.keel.structured.schema.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pairs the value branches of an old and a new {@code anyOf}/{@code oneOf} so that a diff compares
 * each branch with its successor. With as many branches on both sides, branch {@code i} pairs with
 * branch {@code i}. Otherwise branches pair by likeness, best first: equal after resolving
 * {@code $ref} (or the same {@code $ref}), then the same JSON types with the most shared property
 * names or enum values; branches of different types never pair. Ties go to the nearer position. A
 * branch left without a partner was removed (old) or added (new). Stateless.
 */
public final class BranchPairing {

    /**
     * One pairing, by position in the lists given to {@link #pair}; -1 on the side without a partner.
     *
     * @param oldIndex the old branch's position, or -1 for an added branch
     * @param newIndex the new branch's position, or -1 for a removed branch
     */
    public record Pair(int oldIndex, int newIndex) {}

    private record Candidate(int oldIndex, int newIndex, double score) {}

    private BranchPairing() {}

    /**
     * The pairs: every old branch in order (paired or removed), then the added new branches in order.
     */
    public static List<Pair> pair(JsonNode oldRoot, List<JsonNode> olds, JsonNode newRoot, List<JsonNode> news) {
        int[] partner = new int[olds.size()];
        java.util.Arrays.fill(partner, -1);
        Set<Integer> taken = new HashSet<>();
        if (olds.size() == news.size()) {
            for (int i = 0; i < olds.size(); i++) {
                partner[i] = i;
                taken.add(i);
            }
        } else {
            for (Candidate c : candidates(oldRoot, olds, newRoot, news)) {
                if (partner[c.oldIndex()] < 0 && !taken.contains(c.newIndex())) {
                    partner[c.oldIndex()] = c.newIndex();
                    taken.add(c.newIndex());
                }
            }
        }
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < olds.size(); i++) {
            out.add(new Pair(i, partner[i]));
        }
        for (int j = 0; j < news.size(); j++) {
            if (!taken.contains(j)) {
                out.add(new Pair(-1, j));
            }
        }
        return out;
    }

    private static List<Candidate> candidates(
            JsonNode oldRoot, List<JsonNode> olds, JsonNode newRoot, List<JsonNode> news) {
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < olds.size(); i++) {
            for (int j = 0; j < news.size(); j++) {
                double score = likeness(oldRoot, olds.get(i), newRoot, news.get(j));
                if (score > 0) {
                    out.add(new Candidate(i, j, score));
                }
            }
        }
        out.sort(Comparator.comparingDouble(Candidate::score)
                .reversed()
                .thenComparingInt(c -> Math.abs(c.oldIndex() - c.newIndex()))
                .thenComparingInt(Candidate::oldIndex));
        return out;
    }

    /** 0 when the branches cannot be the same branch; higher is more alike. */
    private static double likeness(JsonNode oldRoot, JsonNode o, JsonNode newRoot, JsonNode n) {
        if (o.has("$ref") && o.path("$ref").equals(n.path("$ref"))) {
            return 4;
        }
        JsonNode ro = Schemas.resolve(oldRoot, o);
        JsonNode rn = Schemas.resolve(newRoot, n);
        if (ro.equals(rn)) {
            return 3;
        }
        if (!Schemas.nonNullTypes(oldRoot, ro).equals(Schemas.nonNullTypes(newRoot, rn))) {
            return 0;
        }
        JsonNode so = Schemas.structural(oldRoot, ro);
        JsonNode sn = Schemas.structural(newRoot, rn);
        return 1
                + Math.max(
                        overlap(names(so.path("properties")), names(sn.path("properties"))),
                        overlap(values(so.path("enum")), values(sn.path("enum"))));
    }

    private static Set<Object> names(JsonNode props) {
        Set<Object> out = new HashSet<>();
        props.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<Object> values(JsonNode e) {
        Set<Object> out = new HashSet<>();
        e.forEach(out::add);
        return out;
    }

    /** Jaccard similarity; 0 when both are empty. */
    private static double overlap(Set<Object> a, Set<Object> b) {
        Set<Object> union = new HashSet<>(a);
        union.addAll(b);
        if (union.isEmpty()) {
            return 0;
        }
        Set<Object> both = new HashSet<>(a);
        both.retainAll(b);
        return (double) both.size() / union.size();
    }
}
