package dev.keel.config;

/**
 * One thing wrong with a configuration: where, which key, and what is wrong and allowed. Immutable.
 *
 * @param origin where the offending value came from ({@link Origin#DEFAULT} when a rule between
 *     defaults fails, which keel's defaults never do)
 * @param key the canonical key, or empty for a problem with a whole file
 * @param message what is wrong, e.g. {@code must be between 1 and 10, was 0}
 */
public record ConfigProblem(Origin origin, String key, String message) {

    /** {@code keel.yaml:14: retry.max-attempts: must be between 1 and 10, was 0}. */
    @Override
    public String toString() {
        return key.isEmpty() ? origin + ": " + message : origin + ": " + key + ": " + message;
    }
}
