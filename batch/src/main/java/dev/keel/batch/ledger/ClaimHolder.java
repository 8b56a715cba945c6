package dev.keel.batch.ledger;

import java.time.Instant;

/**
 * The process driving a run, as its claim row in the ledger says. Immutable.
 *
 * @param runId the run
 * @param owner the holder's worker id ({@code host:pid:nonce}, see {@link WorkerIdentity})
 * @param host the holder's host
 * @param pid the holder's process id
 * @param command the command it runs ({@code run}, {@code submit}, …)
 * @param since when it claimed the run (epoch ms)
 * @param leaseUntil until when its claim holds unless renewed (epoch ms)
 */
public record ClaimHolder(
        String runId, String owner, String host, long pid, String command, long since, long leaseUntil) {

    /** One line naming the holder, e.g. for an error message. */
    public String describe() {
        return "'keel batch " + command + "' (worker " + owner + ", host " + host + ", pid " + pid + ") since "
                + Instant.ofEpochMilli(since) + ", its lease held until " + Instant.ofEpochMilli(leaseUntil);
    }
}
