package dev.keel.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.KeelResponse;
import dev.keel.core.error.ErrorKind;
import dev.keel.core.error.KeelException;
import java.util.Collections;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * Every item of a cursor-paged list ({@code {data, has_more, last_id}}, as {@code GET /files} and
 * {@code GET /batches} answer), fetched a page at a time as iteration reaches it: the next page is
 * asked for with {@code after} = the previous page's {@code last_id} while {@code has_more} is true.
 * Stopping early (a {@code break}) fetches no further page. Reading is bounded by a maximum number of
 * pages, so a listing that never ends fails loudly instead of running forever. Each iteration starts
 * from the first page again. Immutable; an iterator is not thread-safe.
 */
public final class ListPages implements Iterable<JsonNode> {

    /** The default bound: 1,000 pages (100,000 batches, or 10 million files at the default page size). */
    public static final int DEFAULT_MAX_PAGES = 1_000;

    private final String listing;
    private final Function<String, KeelResponse> page;
    private final String firstAfter;
    private final int maxPages;

    /**
     * @param listing what is listed, for errors: {@code GET /files?purpose=batch}
     * @param page fetches the page after a cursor (null for the first page)
     * @param firstAfter the cursor to start after, or null
     * @param maxPages how many pages at most
     * @throws IllegalArgumentException when {@code maxPages} is below 1
     */
    public ListPages(String listing, Function<String, KeelResponse> page, String firstAfter, int maxPages) {
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be at least 1, got " + maxPages);
        }
        this.listing = Objects.requireNonNull(listing, "listing");
        this.page = Objects.requireNonNull(page, "page");
        this.firstAfter = firstAfter;
        this.maxPages = maxPages;
    }

    /**
     * @throws KeelException from the page calls; of kind {@link ErrorKind#MALFORMED_RESPONSE} when a page
     *     has no {@code data} array, or says {@code has_more} without a new {@code last_id}
     * @throws IllegalStateException when the list still has more after {@code maxPages} pages
     */
    @Override
    public Iterator<JsonNode> iterator() {
        return new Pager();
    }

    private final class Pager implements Iterator<JsonNode> {
        private Iterator<JsonNode> items = Collections.emptyIterator();
        private String after = firstAfter;
        private boolean more = true;
        private int pages;

        @Override
        public boolean hasNext() {
            while (!items.hasNext() && more) {
                fetch();
            }
            return items.hasNext();
        }

        @Override
        public JsonNode next() {
            if (!hasNext()) {
                throw new NoSuchElementException(listing + ": no more items");
            }
            return items.next();
        }

        private void fetch() {
            if (pages == maxPages) {
                throw new IllegalStateException(listing + ": the list still has more after " + maxPages
                        + " pages (last id " + after + "); keel stops there rather than read without end."
                        + " Narrow the listing, or allow more pages (maxPages)");
            }
            KeelResponse r = page.apply(after);
            pages++;
            JsonNode json = r.json();
            if (!json.path("data").isArray()) {
                throw malformed(r, "has no \"data\" array");
            }
            items = json.get("data").iterator();
            more = json.path("has_more").asBoolean(false);
            if (more) {
                String last = json.path("last_id").asText("");
                if (last.isBlank() || last.equals(after)) {
                    throw malformed(
                            r,
                            "says has_more but gives "
                                    + (last.isBlank() ? "no last_id" : "the same last_id " + last + " again")
                                    + ", so the next page cannot be asked for");
                }
                after = last;
            }
        }

        private KeelException malformed(KeelResponse r, String what) {
            return KeelException.of(ErrorKind.MALFORMED_RESPONSE, listing + ": page " + pages + " " + what)
                    .status(r.status())
                    .requestId(r.requestId())
                    .attempts(r.attempts())
                    .build();
        }
    }
}
