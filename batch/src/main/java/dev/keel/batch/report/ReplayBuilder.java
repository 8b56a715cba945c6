package dev.keel.batch.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.batch.run.ReplayPolicy;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standalone replay builder: a failed list ({@code failed.jsonl}) in, a replay JSONL out that
 * holds only retryable failures with replays left, each with its original {@code custom_id} and
 * request. For an id listed several times, its latest attempt decides.
 */
public final class ReplayBuilder {

    /** What the builder did. */
    public record Result(int read, int written, int notRetryable, int replaysUsedUp, List<String> problems) {}

    private final ReplayPolicy policy;
    private final int maxReplays;

    public ReplayBuilder(ReplayPolicy policy, int maxReplays) {
        this.policy = policy;
        this.maxReplays = maxReplays;
    }

    /**
     * Builds {@code out} from {@code failed}.
     *
     * @throws UncheckedIOException when a file cannot be read or written
     */
    public Result build(Path failed, Path out) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int read = 0;
        long lineNo = 0;
        try (BufferedReader r = Files.newBufferedReader(failed, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                read++;
                JsonNode j = parse(line);
                String problem = problem(j);
                if (problem != null) {
                    problems.add(
                            failed + ":" + lineNo + ": " + j.path("custom_id").asText("-") + ": " + problem);
                    continue;
                }
                JsonNode before = latest.get(j.get("custom_id").asText());
                if (before == null
                        || before.path("replay_count").asInt()
                                <= j.path("replay_count").asInt()) {
                    latest.put(j.get("custom_id").asText(), j);
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(
                    failed + ":" + firstBadUtf8(failed)
                            + ": not UTF-8 text; give the failed.jsonl keel batch wrote (UTF-8 JSON Lines)",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + failed + ": " + e.getMessage(), e);
        }
        int written = 0;
        int notRetryable = 0;
        int usedUp = 0;
        try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            for (JsonNode j : latest.values()) {
                if (!policy.retryable(j.path("code").asText(null))) {
                    notRetryable++;
                } else if (j.path("replay_count").asInt() >= maxReplays) {
                    usedUp++;
                } else {
                    w.write(Json.write(j.get("request")));
                    w.write('\n');
                    written++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
        return new Result(read, written, notRetryable, usedUp, List.copyOf(problems));
    }

    /** {@code LINE (byte offset N)} of the first byte of {@code file} that is not UTF-8, read in a second pass. */
    static String firstBadUtf8(Path file) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        var in = java.nio.ByteBuffer.allocate(64 * 1024);
        var chars = java.nio.CharBuffer.allocate(64 * 1024);
        long consumed = 0;
        long line = 1;
        try (var stream = Files.newInputStream(file)) {
            byte[] buf = new byte[32 * 1024];
            boolean eof = false;
            while (!eof) {
                int n = stream.read(buf, 0, Math.min(buf.length, in.remaining()));
                eof = n < 0;
                if (n > 0) {
                    in.put(buf, 0, n);
                }
                in.flip();
                int start = in.position();
                var result = decoder.decode(in, chars, eof);
                for (int i = start; i < in.position(); i++) {
                    if (in.get(i) == '\n') {
                        line++;
                    }
                }
                consumed += in.position() - start;
                if (result.isError()) {
                    return line + " (byte offset " + consumed + ")";
                }
                chars.clear();
                in.compact();
            }
        } catch (IOException e) {
            return "?";
        }
        return "?";
    }

    private static JsonNode parse(String line) {
        try {
            return Json.parse(line);
        } catch (JsonSyntaxException e) {
            return Json.object();
        }
    }

    private static String problem(JsonNode j) {
        if (!j.path("custom_id").isTextual()) {
            return "not a failed-list line: expected {custom_id, code, replay_count, request} (keel's failed.jsonl)";
        }
        if (!j.path("request").isObject()
                || !j.path("request")
                        .path("custom_id")
                        .asText()
                        .equals(j.get("custom_id").asText())) {
            return "its request is missing or has another custom_id; a replay must keep the same custom_id";
        }
        return null;
    }
}
