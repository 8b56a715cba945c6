package dev.keel.structured.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Field-level business validation and default policies that run after decoding, before the caller
 * sees a value, so a missing business field never reaches it as an unchecked null. A rule either
 * requires a field (missing ⇒ the decode degrades to a summary) or gives it a default (missing ⇒
 * the default is applied and the decode becomes compat). Each missing field counts in {@code
 * structured_field_missing_total{field}}. Immutable and thread-safe when the rules' functions are.
 *
 * <pre>{@code
 * BusinessRules<TicketV2> rules = BusinessRules.<TicketV2>builder()
 *         .require("summary", t -> t.summary() == null || t.summary().isBlank())
 *         .defaultIfMissing("priority", t -> t.priority() == null || t.priority() == Priority.UNKNOWN,
 *                 t -> t.withPriority(Priority.MEDIUM))
 *         .build();
 * }</pre>
 */
public final class BusinessRules<T> {

    private record Rule<T>(String field, Predicate<T> missing, UnaryOperator<T> fix) {}

    /** What the rules made of a value. */
    public sealed interface Verdict<T> {
        /** The value passed, possibly with defaults applied (listed in {@code applied}). */
        record Pass<T>(T value, List<Reason> applied) implements Verdict<T> {}

        /** A required field is missing. */
        record Missing<T>(Reason reason) implements Verdict<T> {}
    }

    private final List<Rule<T>> rules;

    private BusinessRules(List<Rule<T>> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No rules: every value passes. */
    public static <T> BusinessRules<T> none() {
        return new BusinessRules<>(List.of());
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Applies the rules in order. */
    public Verdict<T> apply(T value) {
        T v = value;
        var applied = new ArrayList<Reason>();
        for (Rule<T> r : rules) {
            if (!r.missing().test(v)) {
                continue;
            }
            if (r.fix() == null) {
                return new Verdict.Missing<>(
                        Reason.of(ReasonKind.BUSINESS_FIELD_MISSING, r.field(), "required by a business rule"));
            }
            v = Objects.requireNonNull(r.fix().apply(v), "a default policy returned null for " + r.field());
            applied.add(Reason.of(ReasonKind.FIELD_DEFAULTED, r.field(), "missing: business default applied"));
        }
        return new Verdict.Pass<>(v, applied);
    }

    /** Builds {@link BusinessRules}; not thread-safe. */
    public static final class Builder<T> {
        private final List<Rule<T>> rules = new ArrayList<>();

        /** The field must be present: when {@code missing} holds, the decode degrades to a summary. */
        public Builder<T> require(String field, Predicate<T> missing) {
            rules.add(new Rule<>(field, missing, null));
            return this;
        }

        /** When {@code missing} holds, {@code withDefault} supplies the value and the decode becomes compat. */
        public Builder<T> defaultIfMissing(String field, Predicate<T> missing, UnaryOperator<T> withDefault) {
            rules.add(new Rule<>(field, missing, Objects.requireNonNull(withDefault, "withDefault")));
            return this;
        }

        public BusinessRules<T> build() {
            return new BusinessRules<>(rules);
        }
    }
}
