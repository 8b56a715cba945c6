package dev.keel.emulator;

import java.util.Collection;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The models the emulator knows; a request naming another gets the API's {@code 404
 * model_not_found}. A listed id is known, and so are its dated snapshots ({@code
 * gpt-4.1-mini-2025-04-14}) and fine-tunes of it ({@code ft:gpt-4.1-mini:acme::abc123}). By default:
 * the text and embedding models below plus the realtime models. The list is the emulator's own, as the
 * API's is its own: the emulator does not read keel's price table (it depends on keel-wire, never on
 * core); core's {@code PricedModelsServedTest} checks that every model keel prices is served here. Immutable and
 * thread-safe; {@link #ids()} is the list {@code GET /v1/models} serves.
 */
public final class Models {

    /** The text and embedding models served by default. */
    private static final java.util.List<String> TEXT = java.util.List.of(
            "gpt-4.1",
            "gpt-4.1-mini",
            "gpt-4.1-nano",
            "gpt-4o",
            "gpt-4o-mini",
            "gpt-5",
            "gpt-5-mini",
            "gpt-5-nano",
            "gpt-5.1",
            "gpt-5.4",
            "gpt-5.5",
            "o3",
            "o4-mini",
            "text-embedding-3-large",
            "text-embedding-3-small",
            "text-embedding-ada-002");

    /** The realtime models served besides the text ones. */
    private static final java.util.List<String> REALTIME = java.util.List.of(
            "gpt-realtime", "gpt-realtime-mini", "gpt-4o-realtime-preview", "gpt-4o-mini-realtime-preview");

    private static final Pattern SNAPSHOT = Pattern.compile("-\\d{4}-\\d{2}-\\d{2}$");

    /** Largest {@code max_output_tokens} by model family (longest matching prefix wins). */
    private static final Map<String, Integer> MAX_OUTPUT = Map.of(
            "gpt-5", 128_000,
            "gpt-4.1", 32_768,
            "gpt-4o", 16_384,
            "o3", 100_000,
            "o4", 100_000,
            "gpt-realtime", 4_096,
            "gpt-4o-realtime", 4_096,
            "gpt-4o-mini-realtime", 4_096);

    private static final int DEFAULT_MAX_OUTPUT = 128_000;

    private final SortedSet<String> ids;

    private Models(Collection<String> ids) {
        var set = new TreeSet<String>();
        for (String id : ids) {
            Objects.requireNonNull(id, "model id");
            if (id.isBlank()) {
                throw new IllegalArgumentException("a model id must not be blank");
            }
            set.add(id.toLowerCase(Locale.ROOT));
        }
        this.ids = Collections.unmodifiableSortedSet(set);
    }

    /** The default text, embedding and realtime models. */
    public static Models ofDefaults() {
        var all = new TreeSet<>(TEXT);
        all.addAll(REALTIME);
        return new Models(all);
    }

    /** Exactly these models (and their snapshots and fine-tunes). @throws IllegalArgumentException for a blank id */
    public static Models of(Collection<String> ids) {
        return new Models(ids);
    }

    /** These models besides the current ones. */
    public Models with(Collection<String> more) {
        var all = new TreeSet<>(ids);
        all.addAll(more);
        return new Models(all);
    }

    /** The listed base ids, sorted. */
    public SortedSet<String> ids() {
        return ids;
    }

    /** Whether {@code model} is listed, a dated snapshot of a listed one, or a fine-tune ({@code ft:BASE:…}) of one. */
    public boolean knows(String model) {
        return model != null && ids.contains(base(model));
    }

    /** The listed model {@code model} is, a snapshot or fine-tune of (itself when neither), lower case. */
    public static String base(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.startsWith("ft:")) {
            int end = m.indexOf(':', 3);
            m = end < 0 ? m.substring(3) : m.substring(3, end);
        }
        return SNAPSHOT.matcher(m).replaceFirst("");
    }

    /** The most output tokens one response of {@code model} may ask for. */
    public static int maxOutputTokens(String model) {
        String b = base(model);
        String best = null;
        for (String prefix : MAX_OUTPUT.keySet()) {
            if (b.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
                best = prefix;
            }
        }
        return best == null ? DEFAULT_MAX_OUTPUT : MAX_OUTPUT.get(best);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Models m && m.ids.equals(ids);
    }

    @Override
    public int hashCode() {
        return ids.hashCode();
    }

    @Override
    public String toString() {
        return "Models" + ids;
    }
}
