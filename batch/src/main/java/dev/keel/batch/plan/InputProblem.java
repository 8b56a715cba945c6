package dev.keel.batch.plan;

/**
 * A line the batch path refuses, printed as {@code file:line: custom_id: reason} ({@code -} when the
 * line has no readable {@code custom_id}).
 */
public record InputProblem(String file, long line, String customId, String reason) {

    @Override
    public String toString() {
        return file + ":" + line + ": " + (customId == null ? "-" : customId) + ": " + reason;
    }
}
