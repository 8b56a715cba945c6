package dev.keel.batch.run;

/** The normalised class of a failed batch line: three retryable classes and one final. */
public enum FailureClass {
    RATE_LIMIT,
    TIMEOUT,
    SERVER_ERROR,
    FINAL;

    /** {@code rate_limit}, {@code timeout}, {@code server_error} or {@code final}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public boolean retryable() {
        return this != FINAL;
    }
}
