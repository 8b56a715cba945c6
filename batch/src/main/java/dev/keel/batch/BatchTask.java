package dev.keel.batch;

import java.util.Objects;

/** A unit of work offered to the batch path: its request line and whether it may wait. */
public record BatchTask(BatchLine line, TaskKind kind) {

    public BatchTask {
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(kind, "kind");
    }

    /** An offline-safe task. */
    public static BatchTask offline(BatchLine line) {
        return new BatchTask(line, TaskKind.OFFLINE_SAFE);
    }
}
