package dev.keel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.io.KeyLines;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The gateway's client keys, loaded from a keys file and checked on every request by the SHA-256 of
 * the presented secret; secrets are never stored. The file is JSON:
 *
 * <pre>{@code
 * {"keys": [
 *   {"id": "team-a-ci", "sha256": "<64 hex>", "team": "a", "user": "ci",
 *    "requests_per_minute": 600, "tokens_per_minute": 200000, "concurrency": 16,
 *    "daily_usd": 5, "monthly_usd": 100, "refuse_nested_retries": true, "revoked": false}
 * ]}
 * }</pre>
 *
 * Only {@code id} and {@code sha256} are required; a limit left out takes the default given to
 * {@link #load(Path, KeyLimits)} (the {@code gateway.key-defaults.*} settings), and 0 (or {@code null}
 * for a cap) is no limit. {@code keel gateway key} makes a secret and its entry. Immutable and
 * thread-safe; {@link KeysFileWatcher} swaps in a new instance when the file changes.
 */
public final class GatewayKeys {

    /** What every secret starts with, so a leaked one is recognisable and never confused with sk-…. */
    public static final String SECRET_PREFIX = "keel-";

    private static final List<String> FIELDS = List.of(
            "id",
            "sha256",
            "team",
            "user",
            "requests_per_minute",
            "tokens_per_minute",
            "concurrency",
            "daily_usd",
            "monthly_usd",
            "refuse_nested_retries",
            "revoked");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    /** The outcome of checking a request's {@code Authorization} header. */
    public sealed interface Auth {
        record Ok(GatewayKey key) implements Auth {}

        /** @param message what was wrong, without any of the presented secret */
        record Refused(String message) implements Auth {}
    }

    private final Map<String, GatewayKey> byHash;

    private GatewayKeys(Map<String, GatewayKey> byHash) {
        this.byHash = Map.copyOf(byHash);
    }

    /** Keys given in code (tests, an embedding service). */
    public static GatewayKeys of(List<GatewayKey> keys) {
        var m = new HashMap<String, GatewayKey>();
        for (GatewayKey k : keys) {
            if (m.put(k.sha256(), k) != null) {
                throw new IllegalArgumentException("two gateway keys share the secret hash of key " + k.id());
            }
        }
        return new GatewayKeys(m);
    }

    /**
     * Reads a keys file.
     *
     * @throws IllegalArgumentException naming {@code file:line}, the field and what to do, for a
     *     file that is not JSON, an unknown field, a missing or malformed id or hash, a bad limit, or
     *     a duplicate id or hash
     * @throws UncheckedIOException when the file cannot be read
     */
    public static GatewayKeys load(Path file) {
        return load(file, KeyLimits.NONE);
    }

    /**
     * Reads a keys file, giving a key that leaves a limit out the one in {@code defaults}.
     *
     * @throws IllegalArgumentException naming {@code file:line}, the field and what to do, for a
     *     file that is not JSON, an unknown field, a missing or malformed id or hash, a bad limit, or
     *     a duplicate id or hash
     * @throws UncheckedIOException when the file cannot be read
     */
    public static GatewayKeys load(Path file, KeyLimits defaults) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("gateway keys file " + file + " cannot be read: " + e.getMessage(), e);
        }
        return parse(file, text, defaults);
    }

    /** Reads the text of keys file {@code file}; the same checks and messages as {@link #load(Path, KeyLimits)}. */
    static GatewayKeys parse(Path file, String text, KeyLimits defaults) {
        JsonNode root;
        try {
            root = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (JsonSyntaxException e) {
            throw new IllegalArgumentException(file + ": not JSON (" + e.getMessage() + "); see docs/gateway.md", e);
        }
        KeyLines lines = KeyLines.of(file.toString(), Json.mapper().getFactory(), text);
        JsonNode keys = root.get("keys");
        if (keys == null || !keys.isArray()) {
            throw new IllegalArgumentException(
                    file + ": needs a top-level \"keys\" array of {id, sha256, ...}; see docs/gateway.md");
        }
        var list = new ArrayList<GatewayKey>();
        var ids = new HashMap<String, String>();
        for (int i = 0; i < keys.size(); i++) {
            GatewayKey k = entry(keys.get(i), "/keys/" + i, lines, defaults);
            String where = lines.where("/keys/" + i + "/id");
            String earlier = ids.put(k.id(), where);
            if (earlier != null) {
                throw new IllegalArgumentException(where + ": key id '" + k.id() + "' is already used at " + earlier
                        + "; give each key its own id");
            }
            list.add(k);
        }
        try {
            return of(list);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage() + "; make a fresh secret per key", e);
        }
    }

    private static GatewayKey entry(JsonNode node, String at, KeyLines lines, KeyLimits defaults) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(lines.where(at) + ": each key is an object {id, sha256, ...}");
        }
        node.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(
                        lines.where(at + "/" + f) + ": unknown field '" + f + "'" + KeyLines.suggestion(f, FIELDS));
            }
        });
        String id = text(node, "id", at, lines);
        String hash = text(node, "sha256", at, lines);
        if (!HEX64.matcher(hash).matches()) {
            throw new IllegalArgumentException(lines.where(at + "/sha256") + ": key '" + id
                    + "': sha256 must be 64 lower-case hex digits (the SHA-256 of the secret);"
                    + " make one with: keel gateway key --id " + id);
        }
        int rpm = Math.toIntExact(at(
                lines,
                at,
                id,
                "requests_per_minute",
                () -> count(node, "requests_per_minute", defaults.requestsPerMinute())));
        long tpm = at(
                lines, at, id, "tokens_per_minute", () -> count(node, "tokens_per_minute", defaults.tokensPerMinute()));
        int concurrency = Math.toIntExact(
                at(lines, at, id, "concurrency", () -> count(node, "concurrency", defaults.concurrency())));
        BigDecimal daily = at(lines, at, id, "daily_usd", () -> usd(node, "daily_usd", defaults.dailyUsd()));
        BigDecimal monthly = at(lines, at, id, "monthly_usd", () -> usd(node, "monthly_usd", defaults.monthlyUsd()));
        boolean refuse = at(
                lines,
                at,
                id,
                "refuse_nested_retries",
                () -> flag(node, "refuse_nested_retries", defaults.refuseNestedRetries()));
        boolean revoked = at(lines, at, id, "revoked", () -> flag(node, "revoked", false));
        try {
            var limits = new KeyLimits(rpm, tpm, concurrency, daily, monthly, refuse);
            return new GatewayKey(
                    id, hash, node.path("team").asText(""), node.path("user").asText(""), limits, revoked);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(lines.where(at) + ": key '" + id + "': " + e.getMessage(), e);
        }
    }

    /** Reads one field, naming {@code file:line} of the field (not just of its key) when it is wrong. */
    private static <T> T at(KeyLines lines, String at, String id, String field, java.util.function.Supplier<T> read) {
        try {
            return read.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    lines.where(at + "/" + field) + ": key '" + id + "': " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String at, KeyLines lines) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(lines.where(at) + ": each key needs a non-blank \"" + field + "\"");
        }
        return v.asText();
    }

    private static long count(JsonNode node, String field, long otherwise) {
        JsonNode v = node.get(field);
        if (v == null) {
            return otherwise;
        }
        if (v.isNull()) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a whole number >= 0 (0: no limit), was " + v);
        }
        return v.asLong();
    }

    private static BigDecimal usd(JsonNode node, String field, BigDecimal otherwise) {
        JsonNode v = node.get(field);
        if (v == null) {
            return otherwise;
        }
        if (v.isNull()) {
            return null;
        }
        try {
            BigDecimal d = new BigDecimal(v.asText());
            if (d.signum() < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(field + " must be a USD amount >= 0 such as 5 or 12.50, was " + v);
        }
    }

    private static boolean flag(JsonNode node, String field, boolean otherwise) {
        JsonNode v = node.get(field);
        if (v == null) {
            return otherwise;
        }
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(field + " must be true or false, was " + v);
        }
        return v.booleanValue();
    }

    /**
     * What changed from {@code before} to this set, by key id only (never a secret or its hash):
     * {@code added [b], revoked [a], removed [c], changed [d]}, or {@code no change}.
     */
    public String changesSince(GatewayKeys before) {
        var old = byId(before);
        var now = byId(this);
        var added = new java.util.TreeSet<String>();
        var revoked = new java.util.TreeSet<String>();
        var restored = new java.util.TreeSet<String>();
        var removed = new java.util.TreeSet<String>();
        var changed = new java.util.TreeSet<String>();
        now.forEach((id, k) -> {
            GatewayKey was = old.get(id);
            if (was == null) {
                added.add(id);
            } else if (k.revoked() != was.revoked()) {
                (k.revoked() ? revoked : restored).add(id);
            } else if (!k.equals(was)) {
                changed.add(id);
            }
        });
        old.keySet().stream().filter(id -> !now.containsKey(id)).forEach(removed::add);
        var parts = new ArrayList<String>();
        if (!added.isEmpty()) {
            parts.add("added " + added);
        }
        if (!revoked.isEmpty()) {
            parts.add("revoked " + revoked);
        }
        if (!restored.isEmpty()) {
            parts.add("un-revoked " + restored);
        }
        if (!removed.isEmpty()) {
            parts.add("removed " + removed);
        }
        if (!changed.isEmpty()) {
            parts.add("changed (secret, owner or limits) " + changed);
        }
        return parts.isEmpty() ? "no change" : String.join(", ", parts);
    }

    private static Map<String, GatewayKey> byId(GatewayKeys keys) {
        var m = new HashMap<String, GatewayKey>();
        keys.byHash.values().forEach(k -> m.put(k.id(), k));
        return m;
    }

    /** Checks {@code authorization} ({@code Bearer keel-…}). */
    public Auth authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Auth.Refused("You didn't provide an API key. Send your gateway key as"
                    + " 'Authorization: Bearer keel-...' (the client's API key setting).");
        }
        String secret = authorization.strip();
        if (secret.regionMatches(true, 0, "Bearer ", 0, 7)) {
            secret = secret.substring(7).strip();
        }
        GatewayKey key = byHash.get(sha256(secret));
        if (key == null) {
            return new Auth.Refused("Incorrect API key provided: this gateway does not know it"
                    + (secret.startsWith("sk-") ? " (an OpenAI key is not a gateway key; ask for a keel-... key)" : "")
                    + ".");
        }
        if (key.revoked()) {
            return new Auth.Refused("The gateway key '" + key.id() + "' has been revoked; ask for a new one.");
        }
        return new Auth.Ok(key);
    }

    public int size() {
        return byHash.size();
    }

    /** Every key, for the debug view (ids and limits only). */
    public List<GatewayKey> all() {
        return List.copyOf(byHash.values());
    }

    /** A new random secret, {@code keel-} and 43 URL-safe characters (256 bits). */
    public static String newSecret(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The lower-case hex SHA-256 of {@code secret}, as the keys file stores it. */
    public static String sha256(String secret) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
