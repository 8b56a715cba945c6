package dev.keel.batch.ledger;

/** A run as the ledger holds it. {@code state} is ACTIVE, CANCELLING, DONE or CANCELLED. */
public record RunRecord(
        String runId,
        long createdAt,
        String inputFile,
        String inputSha256,
        String runDir,
        String config,
        String state,
        long items,
        long rejected,
        Long finishedAt) {

    public static final String ACTIVE = "ACTIVE";
    public static final String CANCELLING = "CANCELLING";
    public static final String DONE = "DONE";
    public static final String CANCELLED = "CANCELLED";
}
