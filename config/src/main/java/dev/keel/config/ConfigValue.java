package dev.keel.config;

import java.util.Objects;

/**
 * One value as a source gave it, before it is checked: the key, the raw scalar, and its origin.
 * Immutable.
 *
 * @param key the canonical key without any prefix: dotted, kebab-case ({@code retry.max-attempts};
 *     a map entry adds its name, {@code realtime.app-tokens.alice})
 * @param value a {@link String}, {@link Number} or {@link Boolean}; its text is what is parsed
 * @param origin where it came from, for messages and {@code keel config show}
 */
public record ConfigValue(String key, Object value, Origin origin) {

    public ConfigValue {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(origin, "origin");
    }

    /** Key and origin only: the value may be a secret, and only {@link KeelConfig#entries()} knows which. */
    @Override
    public String toString() {
        return "ConfigValue[" + key + " from " + origin + "]";
    }

    /** The value as text, as parsers read it. */
    public String text() {
        return value.toString().strip();
    }
}
