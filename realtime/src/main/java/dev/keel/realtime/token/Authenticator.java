package dev.keel.realtime.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Optional;

/**
 * Who is asking for a token: maps the caller's bearer credential to a user id, or refuses. Plug in
 * your own (a session cookie check, a JWT verifier); {@link #appTokens} is the built-in one.
 * Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

    /** The user the credential belongs to, or empty to refuse with 401. */
    Optional<String> userFor(String bearer);

    /**
     * Static app tokens ({@code token → user id}), compared in constant time.
     *
     * @throws IllegalArgumentException when a token or user is blank
     */
    static Authenticator appTokens(Map<String, String> tokenToUser) {
        tokenToUser.forEach((t, u) -> {
            if (t == null || t.isBlank() || u == null || u.isBlank()) {
                throw new IllegalArgumentException("app tokens and their users must not be blank");
            }
        });
        Map<String, String> copy = Map.copyOf(tokenToUser);
        return bearer -> {
            if (bearer == null) {
                return Optional.empty();
            }
            byte[] given = bearer.getBytes(StandardCharsets.UTF_8);
            String found = null;
            for (var e : copy.entrySet()) {
                if (MessageDigest.isEqual(given, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                    found = e.getValue();
                }
            }
            return Optional.ofNullable(found);
        };
    }
}
