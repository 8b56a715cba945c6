package dev.keel.batch.ledger;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Who holds a lease: one process, named {@code host:pid:nonce}. The nonce tells two commands of one
 * JVM apart (and a restarted process that got an old pid back); host and pid let a process on the
 * same host see at once that a holder has died. Immutable.
 *
 * @param host the host name (at most 100 characters)
 * @param pid the process id
 * @param nonce a random tag, fresh per command
 */
public record WorkerIdentity(String host, long pid, String nonce) {

    /** @throws IllegalArgumentException for a blank host or nonce, or one containing ':' in the nonce */
    public WorkerIdentity {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(nonce, "nonce");
        if (host.isBlank() || nonce.isBlank() || nonce.contains(":")) {
            throw new IllegalArgumentException("a worker identity needs a host and a nonce without ':'");
        }
        host = host.length() > 100 ? host.substring(0, 100) : host;
    }

    /** This process on this host, with a nonce drawn from {@code random}. */
    public static WorkerIdentity current(RandomGenerator random) {
        return new WorkerIdentity(localHost(), ProcessHandle.current().pid(), nonce(random));
    }

    private static String nonce(RandomGenerator random) {
        byte[] b = new byte[4];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The host name, or {@code unknown-host} when it cannot be read. */
    public static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }

    /** The lease owner as stored in the ledger: {@code host:pid:nonce}. */
    public String id() {
        return host + ":" + pid + ":" + nonce;
    }

    @Override
    public String toString() {
        return id();
    }
}
