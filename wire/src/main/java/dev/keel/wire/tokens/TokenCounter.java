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
 */
public final class TokenCounter {

    private static final EncodingRegistry REGISTRY = Encodings.newLazyEncodingRegistry();

    private TokenCounter() {}

    /** Tokens in {@code text} under the encoding that {@code model} uses. */
    public static int count(String model, String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return encodingFor(model).countTokensOrdinary(text);
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
