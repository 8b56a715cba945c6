package dev.keel.core.api;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Builds URL query strings for the list endpoints. Stateless. */
final class Query {

    private Query() {}

    /** {@code ?k=v&…} over the non-null values, each percent-encoded (a space is {@code %20}); empty when none. */
    static String of(Map<String, String> params) {
        var b = new StringBuilder();
        params.forEach((k, v) -> {
            if (v != null) {
                b.append(b.isEmpty() ? '?' : '&').append(k).append('=').append(encode(v));
            }
        });
        return b.toString();
    }

    static void requireNotBlank(String name, String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank; leave it null to omit it");
        }
    }

    private static String encode(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
