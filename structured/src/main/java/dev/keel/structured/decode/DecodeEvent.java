package dev.keel.structured.decode;

import java.util.List;

/**
 * One decode, as the log line and the metrics see it. Immutable.
 *
 * @param schema the schema name
 * @param expectedVersion the version requested, or null
 * @param detectedVersion the {@code schema_version} the output declared (at most 64 characters), or null
 * @param decodedVersion the registered version the value was decoded as (null for a summary without
 *     one): a bounded label for metrics
 * @param mode the resulting mode
 * @param path the layers tried, in order, ending with {@code mode} (e.g. STRICT, COMPAT, SUMMARY)
 * @param fallbackReason why strict failed (null for a strict decode)
 * @param reasons every reason and repair, the fallback reason first
 * @param model the model that answered, or null
 * @param promptVersion the caller's prompt version, or null
 * @param arm {@code canary}/{@code baseline} when a rollout chose the version, else null
 */
public record DecodeEvent(
        String schema,
        String expectedVersion,
        String detectedVersion,
        String decodedVersion,
        DecodeMode mode,
        List<DecodeMode> path,
        Reason fallbackReason,
        List<Reason> reasons,
        String model,
        String promptVersion,
        String arm) {

    public DecodeEvent {
        path = List.copyOf(path);
        reasons = List.copyOf(reasons);
    }
}
