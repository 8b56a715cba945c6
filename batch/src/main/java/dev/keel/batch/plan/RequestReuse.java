package dev.keel.batch.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Whether a plan answers requests from earlier runs, and for which upstream. A request is the hash
 * of the upstream's identity and the line's canonical bytes ({@link #hash}): a {@code custom_id}
 * whose request already succeeded in an earlier run of the same ledger is answered from that run
 * instead of being submitted again; the identity keeps answers of one upstream (the sandbox, say)
 * from standing in for another's. Immutable.
 *
 * @param upstream the upstream's identity (never a secret), e.g. {@code sandbox} or its base URL
 * @param enabled false for {@code --no-reuse}: hashes are still recorded, nothing is reused
 */
public record RequestReuse(String upstream, boolean enabled) {

    /** No reuse and no known upstream: what a planner does unless told otherwise. */
    public static final RequestReuse NONE = new RequestReuse("unspecified", false);

    /** @throws IllegalArgumentException when {@code upstream} is blank */
    public RequestReuse {
        if (upstream == null || upstream.isBlank()) {
            throw new IllegalArgumentException("the upstream identity of request reuse must not be blank");
        }
    }

    /** One digest per thread, so hashing a line does not look up a provider each time. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** The request hash of a canonical line, hex SHA-256 over {@code upstream \n line}. */
    public String hash(byte[] canonicalLine) {
        MessageDigest md = SHA256.get();
        md.reset();
        md.update(upstream.getBytes(StandardCharsets.UTF_8));
        md.update((byte) '\n');
        md.update(canonicalLine);
        return HexFormat.of().formatHex(md.digest());
    }
}
