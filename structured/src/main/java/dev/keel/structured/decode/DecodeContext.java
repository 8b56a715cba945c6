package dev.keel.structured.decode;

/**
 * What a decode needs to know besides the output. Immutable.
 *
 * @param expectedVersion the version the request asked for; null when unknown (replaying stored outputs)
 * @param fallback what follows a failed strict decode
 * @param model the model, for the log (null: taken from the output)
 * @param promptVersion the caller's prompt version, for the log (may be null)
 * @param arm {@code canary} or {@code baseline} when a rollout chose the version, else null
 */
public record DecodeContext(
        String expectedVersion, CompatFallback fallback, String model, String promptVersion, String arm) {

    public DecodeContext {
        fallback = fallback == null ? CompatFallback.ON : fallback;
    }

    /** No expected version, compat fallback on: how stored outputs are replayed. */
    public static DecodeContext replay() {
        return new DecodeContext(null, CompatFallback.ON, null, null, null);
    }

    public static DecodeContext expecting(String version) {
        return new DecodeContext(version, CompatFallback.ON, null, null, null);
    }

    public DecodeContext withFallback(CompatFallback f) {
        return new DecodeContext(expectedVersion, f, model, promptVersion, arm);
    }

    public DecodeContext withPromptVersion(String p) {
        return new DecodeContext(expectedVersion, fallback, model, p, arm);
    }
}
