package dev.keel.structured.rollout;

import java.util.Locale;

/** Which side of a canary a call is on. */
public enum Arm {
    CANARY,
    BASELINE;

    /** {@code canary} or {@code baseline}. */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
