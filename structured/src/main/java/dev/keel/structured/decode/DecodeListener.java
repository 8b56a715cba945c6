package dev.keel.structured.decode;

import java.util.List;

/**
 * Observes decodes; implementations must be thread-safe and must not throw. The built-ins are
 * {@link DecodeLog} (one log line per decode) and {@link DecodeMetrics} (the {@code structured_*}
 * metrics); tests record events.
 */
public interface DecodeListener {

    DecodeListener NONE = new DecodeListener() {};

    /** Called once per decode, after the business rules ran. */
    default void decoded(DecodeEvent event) {}

    /** One listener that calls each of {@code listeners} in order. */
    static DecodeListener of(List<DecodeListener> listeners) {
        var copy = List.copyOf(listeners);
        return new DecodeListener() {
            @Override
            public void decoded(DecodeEvent event) {
                copy.forEach(l -> l.decoded(event));
            }
        };
    }
}
