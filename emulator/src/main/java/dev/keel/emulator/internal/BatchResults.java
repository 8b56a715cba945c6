package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.util.Arrays;

/**
 * What a batch's requests answered, kept compactly until the batch ends: the output and error
 * files' lines already serialised (one byte array each, in request order), and per request only
 * running totals — failures, input, output and reasoning tokens — so the batch can report counts and usage
 * for its first {@code done} requests and write exactly those lines. Not thread-safe; the batch
 * engine fills it once, then only reads it.
 */
final class BatchResults {

    private final String[] customIds;
    private final int[] failedBy;
    private final long[] inputBy;
    private final long[] outputBy;
    private final long[] reasoningBy;
    private final int[] outEndBy;
    private final int[] errEndBy;
    private byte[] out = new byte[256];
    private int outLen;
    private byte[] err = new byte[256];
    private int errLen;
    private int n;

    BatchResults(int requests) {
        customIds = new String[requests];
        failedBy = new int[requests + 1];
        inputBy = new long[requests + 1];
        outputBy = new long[requests + 1];
        reasoningBy = new long[requests + 1];
        outEndBy = new int[requests + 1];
        errEndBy = new int[requests + 1];
    }

    /** Everything this holds, for the emulator's data directory; {@link #fromJson} reads it back. */
    ObjectNode toJson() {
        ObjectNode j = Json.object();
        j.put("n", n);
        var ids = j.putArray("custom_ids");
        for (int i = 0; i < n; i++) {
            ids.add(customIds[i]);
        }
        putInts(j.putArray("failed_by"), failedBy);
        putLongs(j.putArray("input_by"), inputBy);
        putLongs(j.putArray("output_by"), outputBy);
        putLongs(j.putArray("reasoning_by"), reasoningBy);
        putInts(j.putArray("out_end_by"), outEndBy);
        putInts(j.putArray("err_end_by"), errEndBy);
        j.put("out", new String(out, 0, outLen, java.nio.charset.StandardCharsets.UTF_8));
        j.put("err", new String(err, 0, errLen, java.nio.charset.StandardCharsets.UTF_8));
        return j;
    }

    /** Reads back what {@link #toJson} wrote. */
    static BatchResults fromJson(JsonNode j) {
        int count = j.path("n").asInt();
        var r = new BatchResults(count);
        for (int i = 0; i < count; i++) {
            r.customIds[i] = j.path("custom_ids").get(i).asText();
        }
        for (int i = 0; i <= count; i++) {
            r.failedBy[i] = j.path("failed_by").get(i).asInt();
            r.inputBy[i] = j.path("input_by").get(i).asLong();
            r.outputBy[i] = j.path("output_by").get(i).asLong();
            r.reasoningBy[i] = j.path("reasoning_by").get(i).asLong();
            r.outEndBy[i] = j.path("out_end_by").get(i).asInt();
            r.errEndBy[i] = j.path("err_end_by").get(i).asInt();
        }
        r.out = j.path("out").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        r.outLen = r.out.length;
        r.err = j.path("err").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        r.errLen = r.err.length;
        r.n = count;
        return r;
    }

    private static void putInts(com.fasterxml.jackson.databind.node.ArrayNode a, int[] values) {
        for (int v : values) {
            a.add(v);
        }
    }

    private static void putLongs(com.fasterxml.jackson.databind.node.ArrayNode a, long[] values) {
        for (long v : values) {
            a.add(v);
        }
    }

    /** Records the next request's answer. */
    void add(String customId, ModelRoutes.Result r) {
        customIds[n] = customId;
        byte[] line = Json.writeBytes(outputLine(customId, r));
        boolean ok = r.status() == 200;
        if (ok) {
            out = append(out, outLen, line);
            outLen += line.length + 1;
        } else {
            err = append(err, errLen, line);
            errLen += line.length + 1;
        }
        JsonNode u = r.body().path("usage");
        failedBy[n + 1] = failedBy[n] + (ok ? 0 : 1);
        inputBy[n + 1] = inputBy[n]
                + (u.has("input_tokens")
                        ? u.path("input_tokens").asLong()
                        : u.path("prompt_tokens").asLong());
        outputBy[n + 1] = outputBy[n]
                + (u.has("output_tokens")
                        ? u.path("output_tokens").asLong()
                        : u.path("completion_tokens").asLong());
        reasoningBy[n + 1] = reasoningBy[n]
                + (u.has("output_tokens_details")
                        ? u.at("/output_tokens_details/reasoning_tokens").asLong()
                        : u.at("/completion_tokens_details/reasoning_tokens").asLong());
        outEndBy[n + 1] = outLen;
        errEndBy[n + 1] = errLen;
        n++;
    }

    /** Drops the spare capacity once every request is recorded. */
    void trim() {
        out = Arrays.copyOf(out, outLen);
        err = Arrays.copyOf(err, errLen);
    }

    /** Bytes held, for the storage budget. */
    long bytes() {
        long ids = 0;
        for (int i = 0; i < n; i++) {
            ids += 40 + 2L * customIds[i].length();
        }
        return out.length + err.length + ids + 36L * (n + 1);
    }

    int failedBy(int done) {
        return failedBy[done];
    }

    long inputTokensBy(int done) {
        return inputBy[done];
    }

    long outputTokensBy(int done) {
        return outputBy[done];
    }

    long reasoningTokensBy(int done) {
        return reasoningBy[done];
    }

    /** The output file of the first {@code done} requests: their successes, or null when there are none. */
    byte[] outputFile(int done) {
        int end = outEndBy[done];
        return end == 0 ? null : end == out.length ? out : Arrays.copyOf(out, end);
    }

    /**
     * The error file: the failures among the first {@code done} requests and, when the batch
     * expired, a {@code batch_expired} line for each request after them; null when empty.
     */
    byte[] errorFile(int done, boolean expired) {
        int end = errEndBy[done];
        if (!expired || done == n) {
            return end == 0 ? null : end == err.length ? err : Arrays.copyOf(err, end);
        }
        byte[] file = Arrays.copyOf(err, end);
        int len = end;
        for (int i = done; i < n; i++) {
            byte[] line = Json.writeBytes(expiredLine(customIds[i]));
            file = append(file, len, line);
            len += line.length + 1;
        }
        return Arrays.copyOf(file, len);
    }

    /** Appends {@code line} and a newline at {@code len}, growing {@code buf} as needed; returns the buffer. */
    private static byte[] append(byte[] buf, int len, byte[] line) {
        int need = len + line.length + 1;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length + (buf.length >> 1)));
        }
        System.arraycopy(line, 0, buf, len, line.length);
        buf[len + line.length] = '\n';
        return buf;
    }

    private static ObjectNode outputLine(String customId, ModelRoutes.Result r) {
        ObjectNode line = Json.object();
        line.put("id", Ids.hex("batch_req_"));
        line.put("custom_id", customId);
        ObjectNode resp = line.putObject("response");
        resp.put("status_code", r.status());
        resp.put("request_id", Ids.hex("req_"));
        resp.set("body", r.body());
        line.putNull("error");
        return line;
    }

    private static ObjectNode expiredLine(String customId) {
        ObjectNode line = Json.object();
        line.put("id", Ids.hex("batch_req_"));
        line.put("custom_id", customId);
        line.putNull("response");
        line.putObject("error")
                .put("code", "batch_expired")
                .put("message", "This request could not be executed before the completion window expired.");
        return line;
    }
}
