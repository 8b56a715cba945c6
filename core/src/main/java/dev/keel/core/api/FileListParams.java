package dev.keel.core.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query of {@code GET /files}: only files of a {@code purpose}, at most {@code limit} per page
 * (1 to 10,000; the API's default is 10,000), the page after the file id {@code after}, in {@code
 * order} of creation (the API's default is newest first). Null leaves a parameter out. Immutable;
 * build with {@link #all()} and the {@code with…} methods, e.g. {@code
 * FileListParams.all().withPurpose("batch").withLimit(100)}.
 *
 * @param purpose only files with this purpose ({@code batch}, {@code batch_output}, …), or null
 * @param limit the page size, 1 to 10,000, or null for the API's default
 * @param after the cursor: the last file id of the previous page, or null for the first page
 * @param order the sort order by {@code created_at}, or null for the API's default ({@code desc})
 */
public record FileListParams(String purpose, Integer limit, String after, Order order) {

    /** The sort order of a list by creation time. */
    public enum Order {
        ASC,
        DESC;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The largest page the API serves. */
    public static final int MAX_LIMIT = 10_000;

    /**
     * @throws IllegalArgumentException when {@code limit} is outside 1 to 10,000, or {@code purpose}
     *     or {@code after} is blank
     */
    public FileListParams {
        if (limit != null && (limit < 1 || limit > MAX_LIMIT)) {
            throw new IllegalArgumentException("files list limit must be 1 to " + MAX_LIMIT + ", got " + limit);
        }
        Query.requireNotBlank("purpose", purpose);
        Query.requireNotBlank("after", after);
    }

    /** Every file, with the API's defaults. */
    public static FileListParams all() {
        return new FileListParams(null, null, null, null);
    }

    public FileListParams withPurpose(String p) {
        return new FileListParams(p, limit, after, order);
    }

    public FileListParams withLimit(int l) {
        return new FileListParams(purpose, l, after, order);
    }

    public FileListParams withAfter(String a) {
        return new FileListParams(purpose, limit, a, order);
    }

    public FileListParams withOrder(Order o) {
        return new FileListParams(purpose, limit, after, o);
    }

    /** {@code ?purpose=batch&limit=100}, URL-encoded, or the empty string. */
    public String query() {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("purpose", purpose);
        q.put("limit", limit == null ? null : limit.toString());
        q.put("after", after);
        q.put("order", order == null ? null : order.wire());
        return Query.of(q);
    }
}
