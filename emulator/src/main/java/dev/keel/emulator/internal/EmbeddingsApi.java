package dev.keel.emulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import dev.keel.wire.tokens.TokenCounter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/embeddings}: deterministic unit vectors seeded by model and text, 1536 dimensions
 * ({@code text-embedding-3-small}, {@code ada-002}) or 3072 ({@code -3-large}), or {@code
 * dimensions} when given; {@code encoding_format} {@code float} or {@code base64} (little-endian
 * float32). Stateless and thread-safe.
 */
public final class EmbeddingsApi {

    /** The most tokens one input may have (the embedding models' context length). */
    static final int MAX_INPUT_TOKENS = 8192;

    /** Creates embeddings. @throws ApiException for an invalid request */
    public ObjectNode create(JsonNode body) {
        Fields.object(body);
        String model = Fields.requiredString(body, "model");
        List<String> inputs = inputs(body.get("input"));
        Integer dims = Fields.optionalInt(body, "dimensions", 1);
        int n = dimensions(model, dims);
        boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
        ObjectNode out = Json.object();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        int tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            int inputTokens = TokenCounter.count(model, inputs.get(i));
            if (inputTokens > MAX_INPUT_TOKENS) {
                throw ApiException.invalid(
                        "This model's maximum context length is " + MAX_INPUT_TOKENS + " tokens, however you requested "
                                + inputTokens + " tokens (" + inputTokens + " in your prompt; 0 for the completion)."
                                + " Please reduce your prompt; or completion length.",
                        null,
                        null);
            }
            float[] v = vector(model, inputs.get(i), n);
            ObjectNode e = data.addObject();
            e.put("object", "embedding");
            e.put("index", i);
            if (base64) {
                e.put("embedding", encode(v));
            } else {
                ArrayNode arr = e.putArray("embedding");
                for (float x : v) {
                    arr.add(x);
                }
            }
            tokens += inputTokens;
        }
        out.put("model", model);
        out.putObject("usage").put("prompt_tokens", tokens).put("total_tokens", tokens);
        return out;
    }

    /** The native size of the model, or {@code dims} when given and allowed (1 to the native size, v3 models only). */
    private static int dimensions(String model, Integer dims) {
        int nativeSize = model.contains("3-large") ? 3072 : 1536;
        if (dims == null) {
            return nativeSize;
        }
        if (!model.contains("embedding-3")) {
            throw ApiException.invalid(
                    "This model does not support specifying dimensions.", "dimensions", "invalid_value");
        }
        if (dims > nativeSize) {
            throw ApiException.invalid(
                    "Invalid 'dimensions': integer above maximum value. Expected a value <= " + nativeSize
                            + ", but got " + dims + " instead.",
                    "dimensions",
                    "integer_above_max_value");
        }
        return dims;
    }

    private static List<String> inputs(JsonNode input) {
        if (input == null || input.isNull()) {
            throw ApiException.missing("input");
        }
        var out = new ArrayList<String>();
        if (input.isTextual()) {
            out.add(input.asText());
        } else if (input.isArray() && !input.isEmpty()) {
            input.forEach(x -> out.add(x.isTextual() ? x.asText() : Json.write(x)));
        } else {
            throw ApiException.invalid(
                    "'input' must be a non-empty string or array of strings or token arrays.",
                    "input",
                    "invalid_value");
        }
        if (out.size() > 2048) {
            throw ApiException.invalid(
                    "'input' must have at most 2048 items, got " + out.size() + ".", "input", "invalid_value");
        }
        return out;
    }

    static float[] vector(String model, String text, int n) {
        long seed = 1125899906842597L;
        for (byte b : (model + '\u0000' + text).getBytes(StandardCharsets.UTF_8)) {
            seed = 31 * seed + b;
        }
        var rnd = new SplittableRandom(seed);
        float[] v = new float[n];
        double norm = 0;
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextDouble() * 2 - 1);
            norm += v[i] * v[i];
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < n; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private static String encode(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            buf.putFloat(x);
        }
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
