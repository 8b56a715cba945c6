package dev.keel.emulator.internal;

import com.knuddels.jtokkit.api.IntArrayList;
import dev.keel.wire.tokens.TokenCounter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The emulated prompt cache (docs/emulator.md, "Prompt caching"): a prompt of at least {@value
 * #MIN_TOKENS} tokens that repeats a prefix of an earlier prompt of the same model and the same
 * {@code prompt_cache_key} reports that prefix as {@code cached_tokens}, in whole steps of {@value
 * #STEP} tokens, as OpenAI's guide describes (hits need an exact prefix match, from 1,024 tokens, in
 * 128-token increments). Without a {@code prompt_cache_key} nothing is reported cached: the real
 * cache may still hit by routing chance, which a deterministic emulator does not imitate. Families
 * that bill cache writes (GPT-5.6 and later) also report {@code cache_write_tokens}: the part of the
 * prompt's cacheable prefix (whole steps) that was not read from the cache. Keeps the last {@value
 * #PER_KEY} prompts of each of the newest {@value #KEYS} keys. Thread-safe.
 */
final class PromptCache {

    static final int MIN_TOKENS = 1024;
    static final int STEP = 128;
    private static final int PER_KEY = 4;
    private static final int KEYS = 2_000;

    /** What one prompt read from and wrote to the cache, in tokens. */
    record Hit(int cached, int written) {
        static final Hit NONE = new Hit(0, 0);
    }

    private final Map<String, Deque<int[]>> prompts = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<int[]>> eldest) {
            return size() > KEYS;
        }
    };

    /**
     * Looks the prompt up and remembers it. The prompt is the instructions' tokens, then the input
     * text's, exactly as {@link FakeModel#inputTokens} counts them.
     *
     * @param cacheKey the request's {@code prompt_cache_key}, or null (then no hit and no write)
     */
    Hit use(String model, String cacheKey, String instructions, String inputText) {
        if (cacheKey == null) {
            return Hit.NONE;
        }
        int[] tokens = tokens(model, instructions, inputText);
        if (tokens.length < MIN_TOKENS) {
            return Hit.NONE;
        }
        int cacheable = tokens.length / STEP * STEP;
        String key = model + '\u0000' + cacheKey;
        int longest;
        synchronized (prompts) {
            Deque<int[]> seen = prompts.computeIfAbsent(key, k -> new ArrayDeque<>());
            longest = 0;
            for (int[] earlier : seen) {
                longest = Math.max(longest, commonPrefix(earlier, tokens));
            }
            seen.addFirst(tokens);
            while (seen.size() > PER_KEY) {
                seen.removeLast();
            }
        }
        int cached = longest >= MIN_TOKENS ? Math.min(cacheable, longest / STEP * STEP) : 0;
        int written = billsCacheWrites(model) ? cacheable - cached : 0;
        return new Hit(cached, written);
    }

    private static int[] tokens(String model, String instructions, String inputText) {
        var enc = TokenCounter.encodingFor(model);
        IntArrayList a = enc.encodeOrdinary(instructions == null ? "" : instructions);
        IntArrayList b = enc.encodeOrdinary(inputText == null ? "" : inputText);
        int[] out = new int[a.size() + b.size()];
        for (int i = 0; i < a.size(); i++) {
            out[i] = a.get(i);
        }
        for (int i = 0; i < b.size(); i++) {
            out[a.size() + i] = b.get(i);
        }
        return out;
    }

    private static int commonPrefix(int[] x, int[] y) {
        int n = Math.min(x.length, y.length);
        int i = 0;
        while (i < n && x[i] == y[i]) {
            i++;
        }
        return i;
    }

    private static final Pattern GPT_VERSION = Pattern.compile("gpt-(\\d+)(?:\\.(\\d+))?(?:[-:].*)?");

    /**
     * Whether the model's family bills cache writes and reports {@code cache_write_tokens}: GPT-5.6
     * and later (a fine-tune by its base; "GPT-5.6 and later: cache writes cost 1.25× uncached
     * input; earlier models: no write fee", OpenAI's prompt-caching guide).
     */
    static boolean billsCacheWrites(String model) {
        String m = model.startsWith("ft:") ? model.substring(3) : model;
        Matcher v = GPT_VERSION.matcher(m);
        if (!v.matches()) {
            return false;
        }
        int major = Integer.parseInt(v.group(1));
        int minor = v.group(2) == null ? 0 : Integer.parseInt(v.group(2));
        return major > 5 || (major == 5 && minor >= 6);
    }
}
