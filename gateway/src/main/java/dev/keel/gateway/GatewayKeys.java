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
 * Only {@code id} and {@code sha256} are required. {@code keel gateway key} makes a secret and its
 * entry. Immutable and thread-safe.
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
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("gateway keys file " + file + " cannot be read: " + e.getMessage(), e);
        }
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
            GatewayKey k = entry(keys.get(i), "/keys/" + i, lines);
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

    private static GatewayKey entry(JsonNode node, String at, KeyLines lines) {
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
        try {
            var limits = new KeyLimits(
                    (int) count(node, "requests_per_minute"),
                    count(node, "tokens_per_minute"),
                    (int) count(node, "concurrency"),
                    usd(node, "daily_usd"),
                    usd(node, "monthly_usd"),
                    node.path("refuse_nested_retries").asBoolean(false));
            return new GatewayKey(
                    id,
                    hash,
                    node.path("team").asText(""),
                    node.path("user").asText(""),
                    limits,
                    node.path("revoked").asBoolean(false));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(lines.where(at) + ": key '" + id + "': " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, String at, KeyLines lines) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new IllegalArgumentException(lines.where(at) + ": each key needs a non-blank \"" + field + "\"");
        }
        return v.asText();
    }

    private static long count(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw new IllegalArgumentException(field + " must be a whole number >= 0 (0: no limit), was " + v);
        }
        return v.asLong();
    }

    private static BigDecimal usd(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
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
