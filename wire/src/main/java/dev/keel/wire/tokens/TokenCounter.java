package dev.keel.wire.tokens;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Locale;

/**
 * Counts tokens exactly as OpenAI's tokenizers do, choosing the encoding from the model name.
 *
 * <p>{@code o200k_base} serves the GPT-4o, GPT-4.1, GPT-5 and o-series families (and is the default
 * for unknown models, being the current encoding); {@code cl100k_base} serves GPT-4, GPT-3.5 and the
 * embedding models. Thread-safe; the encodings are loaded once per JVM.
 *
 * <p>ASCII text under {@code o200k_base} is split by {@link AsciiO200kSplitter} instead of
 * jtokkit's regex, and the token count of each short piece is remembered (most words recur), so a
 * batch file's millions of lines are not each run through the regex and the byte-pair merge. The
 * counts are the same; {@code TokenCounterTest} compares them with jtokkit's on generated text.
 */
public final class TokenCounter {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();
    private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);

    /** Pieces longer than this are counted each time: long runs rarely recur. */
    private static final int MAX_CACHED_PIECE = 24;
    /**
     * Remembered pieces, open addressing over a fixed table: no resizing, no locks. Entries are
     * immutable, so a racing reader sees a whole entry or none; two threads filling the same empty
     * slot at once both write, one entry is lost and that piece is counted again next time. Where
     * four probes find no room the piece is counted each time. A piece's count is jtokkit's count of
     * the piece alone: the regex splits a piece into itself.
     */
    private static final int SLOTS = 1 << 16;

    private static final int PROBES = 4;
    private static final Piece[] O200K_PIECES = new Piece[SLOTS];

    private record Piece(String text, int tokens) {}

    private TokenCounter() {}

    /** Tokens in {@code text} under the encoding that {@code model} uses. */
    public static int count(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (encodingTypeFor(model) == EncodingType.O200K_BASE && AsciiO200kSplitter.isAscii(text)) {
            return countAsciiO200k(text);
        }
        return encodingFor(model).countTokensOrdinary(text);
    }

    static int countAsciiO200k(String text) {
        int[] total = {0};
        AsciiO200kSplitter.split(text, (s, start, end) -> total[0] += pieceTokens(s, start, end));
        return total[0];
    }

    private static int pieceTokens(String s, int start, int end) {
        int length = end - start;
        if (length > MAX_CACHED_PIECE) {
            return O200K.countTokensOrdinary(s.substring(start, end));
        }
        int h = 0;
        for (int i = start; i < end; i++) {
            h = 31 * h + s.charAt(i);
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        for (int probe = 0; probe < PROBES; probe++, slot = (slot + 1) & (SLOTS - 1)) {
            Piece known = O200K_PIECES[slot];
            if (known == null) {
                String piece = s.substring(start, end);
                int n = O200K.countTokensOrdinary(piece);
                O200K_PIECES[slot] = new Piece(piece, n);
                return n;
            }
            if (same(known.text(), s, start, length)) {
                return known.tokens();
            }
        }
        return O200K.countTokensOrdinary(s.substring(start, end));
    }

    /** Whether {@code piece} is {@code s}'s {@code length} characters from {@code start} (short: a plain loop). */
    private static boolean same(String piece, String s, int start, int length) {
        if (piece.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (piece.charAt(i) != s.charAt(start + i)) {
                return false;
            }
        }
        return true;
    }

    /** The encoding for {@code model}: see the class comment. */
    public static Encoding encodingFor(String model) {
        return REGISTRY.getEncoding(encodingTypeFor(model));
    }

    static EncodingType encodingTypeFor(String model) {
        String m = model == null ? "" : model.toLowerCase(Locale.ROOT);
        if (usesCl100k(m)) {
            return EncodingType.CL100K_BASE;
        }
        return EncodingType.O200K_BASE;
    }

    private static boolean usesCl100k(String m) {
        boolean legacyChat = m.startsWith("gpt-4") && !m.startsWith("gpt-4o") && !m.startsWith("gpt-4.");
        return legacyChat || m.startsWith("gpt-3.5") || m.startsWith("text-embedding");
    }
}
