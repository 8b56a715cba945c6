package dev.keel.core.http;

import dev.keel.core.internal.json.JsonScan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Someone else's request, made into a call for keel's pipeline: the one path by which a request
 * keel did not write — the official SDK's ({@code keel-openai-java}), a gateway client's ({@code
 * keel-gateway}) — goes upstream. The headers keel owns are dropped, so keel's client sends its own
 * identity ({@code Authorization}, {@code OpenAI-Organization}, {@code OpenAI-Project}) and its own
 * {@code Idempotency-Key}, and every {@code x-keel-*} header is consumed here, never forwarded; a
 * JSON body with a top-level {@code "stream": true} is read as a stream. Stateless and thread-safe.
 */
public final class RawCall {

    /** The prefix of every header keel consumes and never sends upstream (lower case). */
    public static final String KEEL_PREFIX = "x-keel-";

    /** Headers a caller sets that keel's client owns, or that the transport sets itself (lower case). */
    public static final Set<String> OWNED = Set.of(
            "authorization",
            "openai-organization",
            "openai-project",
            "idempotency-key",
            "content-length",
            "content-type",
            "host",
            "connection",
            "transfer-encoding",
            "expect",
            "upgrade",
            "keep-alive",
            "te",
            "http2-settings",
            "accept-encoding");

    private RawCall() {}

    /**
     * The call for a request.
     *
     * @param headers the request's headers by lower-case name
     * @param body the body bytes, or null
     * @param replayable false for a body its producer can give only once (then never retried)
     */
    public static HttpCall of(
            String method,
            String path,
            Map<String, List<String>> headers,
            String contentType,
            byte[] body,
            boolean replayable) {
        var sent = new LinkedHashMap<String, String>();
        headers.forEach((name, values) -> {
            if (forwarded(name)) {
                sent.put(name, String.join(", ", values));
            }
        });
        return ofForwarded(method, path, sent, contentType, body, replayable);
    }

    /**
     * The call for a request whose headers the caller has already filtered with {@link
     * #forwarded(String)} and joined to one value each (the openai-java adapter does it in the same
     * pass that reads keel's own headers).
     *
     * @param forwarded the headers that go upstream, by lower-case name
     */
    public static HttpCall ofForwarded(
            String method,
            String path,
            Map<String, String> forwarded,
            String contentType,
            byte[] body,
            boolean replayable) {
        Map<String, String> sent = forwarded;
        boolean streaming = body != null && asksForStream(body, contentType);
        var call = new HttpCall(method, path, sent, contentType, body, streaming);
        return replayable ? call : call.notReplayable();
    }

    /** Whether a header (lower-case name) goes upstream as the caller sent it. */
    public static boolean forwarded(String name) {
        return !OWNED.contains(name) && !name.startsWith(KEEL_PREFIX) && !name.startsWith(":");
    }

    /** A JSON body whose top-level {@code stream} is {@code true}. */
    public static boolean asksForStream(byte[] body, String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return false;
        }
        long range;
        try {
            range = JsonScan.member(body, "stream");
        } catch (RuntimeException malformed) {
            return false; // the upstream refuses a malformed body itself
        }
        return range >= 0 && body[JsonScan.start(range)] == 't';
    }

    /** Whether a streamed call's answer is a Chat Completions stream (ends with {@code [DONE]}). */
    public static boolean isChatStream(HttpCall call) {
        return call.path().startsWith("/chat/");
    }
}
