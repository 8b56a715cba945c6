package dev.keel.structured.schema;

/**
 * One problem {@link SchemaLint} found, with where it is. Immutable.
 *
 * @param rule the rule broken
 * @param pointer the JSON pointer into the schema document ({@code ""} is the root)
 * @param message what is wrong and what to do
 */
public record LintFinding(LintRule rule, String pointer, String message) {

    public LintRule.Severity severity() {
        return rule.severity();
    }

    /** {@code ERROR /properties/x: message [RULE]}. */
    @Override
    public String toString() {
        return severity() + " " + (pointer.isEmpty() ? "/" : pointer) + ": " + message + " [" + rule + "]";
    }
}
