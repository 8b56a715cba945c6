package dev.keel.core.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query of {@code GET /batches}: at most {@code limit} per page (1 to 100; the API's default is
 * 20), the page after the batch id {@code after}. Batches come newest first. Null leaves a parameter
 * out. Immutable; build with {@link #all()} and the {@code with…} methods.
 *
 * @param limit the page size, 1 to 100, or null for the API's default
 * @param after the cursor: the last batch id of the previous page, or null for the first page
 */
public record BatchListParams(Integer limit, String after) {

    /** The largest page the API serves. */
    public static final int MAX_LIMIT = 100;

    /** @throws IllegalArgumentException when {@code limit} is outside 1 to 100, or {@code after} is blank */
    public BatchListParams {
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw new IllegalArgumentException("batches list limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        Query.requireNotBlank("after", after);
    }

    /** Every batch, with the API's defaults. */
    public static BatchListParams all() {
        return new BatchListParams(null, null);
    }

    public BatchListParams withLimit(int l) {
        return new BatchListParams(l, after);
    }

    public BatchListParams withAfter(String a) {
        return new BatchListParams(limit, a);
    }

    /** {@code ?limit=100&after=batch_…}, URL-encoded, or the empty string. */
    public String query() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("limit", limit == null ? null : limit.toString());
        q.put("after", after);
        return Query.of(q);
    }
}
