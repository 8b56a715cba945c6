package dev.keel.core.idempotency;

import java.util.Objects;

/**
 * A key built from business fields, {@code idem:{tenant}:{workflow}:{bizId}:{step}}, never from
 * randomness, so a retry, a replay or a re-run after a crash all carry the same key. A {@code :}
 * or {@code %} inside a part is percent-encoded so parts cannot run together. Immutable.
 */
public record IdempotencyKey(String value) {

    public IdempotencyKey {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @throws IllegalArgumentException naming the first blank part
     */
    public static IdempotencyKey of(String tenant, String workflow, String bizId, String step) {
        return new IdempotencyKey("idem:" + part("tenant", tenant) + ":" + part("workflow", workflow) + ":"
                + part("bizId", bizId) + ":" + part("step", step));
    }

    private static String part(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("idempotency key part '" + name + "' must not be blank: keys come from"
                    + " business fields (tenant, workflow, business id, step), never from random values");
        }
        return value.replace("%", "%25").replace(":", "%3A");
    }

    @Override
    public String toString() {
        return value;
    }
}
