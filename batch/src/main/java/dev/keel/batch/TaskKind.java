package dev.keel.batch;

/** Whether a task may wait for the Batch API (up to its 24 h window) or someone waits for it now. */
public enum TaskKind {
    /** Delay-tolerant and safe to replay: may go to the Batch API. */
    OFFLINE_SAFE,
    /** A caller is waiting: must stay on the synchronous path; the batch path refuses it. */
    REALTIME
}
