package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The reasoning items the emulator issued, remembered within a bound, so that a follow-up request's
 * {@code input} is checked as the API checks it:
 *
 * <ul>
 *   <li>an item that followed a reasoning item ({@code function_call}, {@code message}) echoed
 *       without that reasoning item before it: 400 "Item 'fc_…' of type 'function_call' was
 *       provided without its required 'reasoning' item: 'rs_…'.";
 *   <li>a reasoning item echoed without the item that followed it: 400 "Item 'rs_…' of type
 *       'reasoning' was provided without its required following item.";
 *   <li>a reasoning item echoed by id alone whose response was not stored ({@code store: false}):
 *       404 "Item with id 'rs_…' not found. Items are not persisted when `store` is set to false.
 *       …"; with its {@code encrypted_content} it is accepted, whatever {@code store} says;
 *   <li>{@code encrypted_content} this emulator did not issue for that item: 400 {@code
 *       invalid_encrypted_content}.
 * </ul>
 *
 * The {@code encrypted_content} is an HMAC of the item id under a key drawn when the emulator
 * starts, so it needs no memory and verifies only on the emulator that issued it. Past the bound
 * the oldest items are forgotten: an item whose reasoning item was forgotten is no longer checked,
 * and a forgotten reasoning item echoed by id alone is not found (as after the API's retention).
 * Thread-safe.
 */
final class ReasoningItems {

    /** A reasoning item issued: the id of the item that followed it (null if none), and whether it was stored. */
    private record Issued(String followingId, boolean stored) {}

    private static final String SEAL_PREFIX = "gAAAAAB";

    private final CappedMap<Issued> issued;
    private final CappedMap<String> reasoningOf;
    private final SecretKeySpec key;

    ReasoningItems(int capacity) {
        this.issued = new CappedMap<>(capacity);
        this.reasoningOf = new CappedMap<>(capacity);
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /**
     * A new reasoning item, {@code {"id":"rs_…","type":"reasoning","summary":[]}}, carrying its
     * {@code encrypted_content} when the request asked for it ({@code include}).
     */
    ObjectNode newItem(boolean encryptedContent) {
        ObjectNode item = Json.object();
        String id = Ids.hex("rs_");
        item.put("id", id);
        item.put("type", "reasoning");
        item.putArray("summary");
        if (encryptedContent) {
            item.put("encrypted_content", seal(id));
        }
        return item;
    }

    /** Remembers the reasoning items of a response's {@code output} and the items that follow each. */
    void remember(JsonNode output, boolean stored) {
        String current = null;
        for (int i = 0; i < output.size(); i++) {
            JsonNode item = output.get(i);
            String id = item.path("id").asText();
            if (isReasoning(item)) {
                current = id;
                String following =
                        i + 1 < output.size() ? output.get(i + 1).path("id").asText(null) : null;
                issued.put(id, new Issued(following, stored));
            } else if (current != null) {
                reasoningOf.put(id, current);
            }
        }
    }

    /** The {@code encrypted_content} of reasoning item {@code id}. */
    String seal(String id) {
        return SEAL_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(id));
    }

    /**
     * Checks a request's {@code input} items; {@code context} holds the ids of the items a {@code
     * previous_response_id} already brings.
     *
     * @throws ApiException as the API refuses the echo (see the class comment)
     */
    void check(JsonNode input, Set<String> context) {
        if (input == null || !input.isArray()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        input.forEach(
                item -> ids.add(item.path("id").isTextual() ? item.get("id").asText() : null));
        Set<String> seen = new HashSet<>(context);
        for (int i = 0; i < input.size(); i++) {
            JsonNode item = input.get(i);
            String id = ids.get(i);
            if (isReasoning(item)) {
                checkReasoning(item, i, id, ids.subList(i + 1, ids.size()));
            } else if (id != null) {
                String reasoning = reasoningOf.get(id);
                if (reasoning != null && !seen.contains(reasoning)) {
                    throw ApiException.invalid(
                            "Item '" + id + "' of type '" + item.path("type").asText("message")
                                    + "' was provided without its required 'reasoning' item: '" + reasoning + "'.",
                            "input",
                            null);
                }
            }
            if (id != null) {
                seen.add(id);
            }
        }
    }

    private void checkReasoning(JsonNode item, int index, String id, List<String> later) {
        if (id == null) {
            throw ApiException.missing("input[" + index + "].id");
        }
        Issued known = issued.get(id);
        JsonNode sealed = item.get("encrypted_content");
        if (sealed != null && sealed.isTextual()) {
            if (!verifies(id, sealed.asText())) {
                throw new ApiException(
                        400,
                        "The encrypted content " + abbreviated(sealed.asText()) + " could not be verified.",
                        "invalid_request_error",
                        null,
                        "invalid_encrypted_content");
            }
        } else if (known == null) {
            throw ApiException.notFound("Item with id '" + id + "' not found.", "input");
        } else if (!known.stored()) {
            throw ApiException.notFound(
                    "Item with id '" + id + "' not found. Items are not persisted when `store` is set to false."
                            + " Try again with `store` set to true, or remove this item from your input.",
                    "input");
        }
        if (known != null && known.followingId() != null && !later.contains(known.followingId())) {
            throw ApiException.invalid(
                    "Item '" + id + "' of type 'reasoning' was provided without its required following item.",
                    "input",
                    null);
        }
    }

    private boolean verifies(String id, String sealed) {
        if (!sealed.startsWith(SEAL_PREFIX)) {
            return false;
        }
        try {
            byte[] given = Base64.getUrlDecoder().decode(sealed.substring(SEAL_PREFIX.length()));
            return MessageDigest.isEqual(given, mac(id));
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
    }

    private byte[] mac(String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(id.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** As the API quotes a token: its first and last four characters. */
    private static String abbreviated(String sealed) {
        return sealed.length() <= 12 ? sealed : sealed.substring(0, 4) + "..." + sealed.substring(sealed.length() - 4);
    }

    private static boolean isReasoning(JsonNode item) {
        return "reasoning".equals(item.path("type").asText());
    }
}
