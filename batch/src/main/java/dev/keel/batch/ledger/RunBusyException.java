package dev.keel.batch.ledger;

/**
 * Another live process drives the run (or took it over from this one): this process submits
 * nothing. The message names the holder and what to do. The CLI exits 5 with it.
 */
public final class RunBusyException extends RuntimeException {

    private final transient ClaimHolder holder;

    public RunBusyException(String message, ClaimHolder holder) {
        super(message);
        this.holder = holder;
    }

    /** The process that holds the run, or null when it is unknown. */
    public ClaimHolder holder() {
        return holder;
    }
}
