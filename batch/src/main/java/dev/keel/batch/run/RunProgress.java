package dev.keel.batch.run;

/** A run at one moment: items by state and what the last step did. */
public record RunProgress(
        String runId, long items, long pending, long submitted, long succeeded, long failed, String lastEvent) {

    /** Items in a terminal state. */
    public long terminal() {
        return succeeded + failed;
    }
}
