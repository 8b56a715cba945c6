package dev.keel.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.CallOptions;
import dev.keel.core.KeelClient;
import dev.keel.structured.decode.DecodeContext;
import dev.keel.structured.decode.Decoded;
import dev.keel.structured.decode.ModelOutput;
import dev.keel.structured.decode.Reason;
import dev.keel.structured.decode.ReasonKind;
import dev.keel.structured.decode.StructuredDecoder;
import dev.keel.structured.rollout.Assignment;
import dev.keel.structured.rollout.Rollout;
import dev.keel.structured.schema.RegisteredSchema;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.wire.json.Json;
import dev.keel.wire.tokens.TokenCounter;
import java.util.Objects;
import java.util.Set;

/**
 * Structured calls through keel's pipeline: picks the schema version for the routing key from the
 * {@link Rollout}, sends a Responses call with {@code text.format} {@code json_schema} {@code strict:
 * true} built from the registered schema, and decodes the answer with the {@link StructuredDecoder}.
 *
 * <pre>{@code
 * var tickets = StructuredClient.builder(keel, registry, rollout, decoder).model("gpt-4.1-mini").build();
 * StructuredResponse<TicketV2> r = tickets.call(StructuredRequest.of(tenantId, message), CallOptions.defaults());
 * switch (r.decoded()) { case Decoded.Strict<TicketV2> s -> ...; case Decoded.Compat<TicketV2> c -> ...;
 *                        case Decoded.Summary<TicketV2> s -> ...; }
 * }</pre>
 *
 * A bad sample never becomes an exception: it is a compat or summary result. Upstream failures
 * (after the pipeline's own retries) still throw {@link dev.keel.core.error.KeelException}. The
 * transport never retries a bad sample, because it only ever sees a successful HTTP answer; the
 * optional {@link ReaskPolicy re-ask} is a second, budgeted logical call. Thread-safe.
 */
public final class StructuredClient<T> {

    private static final Set<ReasonKind> REASKABLE = Set.of(
            ReasonKind.INVALID_JSON,
            ReasonKind.NOT_AN_OBJECT,
            ReasonKind.FIELD_MISSING,
            ReasonKind.WRONG_TYPE,
            ReasonKind.BIND_FAILED,
            ReasonKind.INCOMPLETE,
            ReasonKind.EMPTY_OUTPUT);

    private final KeelClient client;
    private final SchemaRegistry registry;
    private final Rollout rollout;
    private final StructuredDecoder<T> decoder;
    private final String model;
    private final ReaskPolicy reask;

    private StructuredClient(Builder<T> b) {
        this.client = b.client;
        this.registry = b.registry;
        this.rollout = b.rollout;
        this.decoder = b.decoder;
        this.model = b.model;
        this.reask = b.reask;
        if (!decoder.name().equals(rollout.schema())) {
            throw new IllegalArgumentException(
                    "the decoder reads " + decoder.name() + " but the rollout is for " + rollout.schema());
        }
    }

    public static <T> Builder<T> builder(
            KeelClient client, SchemaRegistry registry, Rollout rollout, StructuredDecoder<T> decoder) {
        return new Builder<>(client, registry, rollout, decoder);
    }

    /**
     * Sends the request and decodes the answer.
     *
     * @throws dev.keel.core.error.KeelException when the upstream call fails (never for a bad sample)
     */
    public StructuredResponse<T> call(StructuredRequest request, CallOptions options) {
        Assignment a = rollout.assign(request.routingKey());
        RegisteredSchema schema = registry.get(rollout.schema(), a.version());
        var ctx = new DecodeContext(
                a.version(),
                a.compatFallback(),
                null,
                request.promptVersion(),
                a.arm().token());
        ObjectNode body = body(request, schema, request.input(), request.maxOutputTokens());
        JsonNode response = client.responses().create(body, options).json();
        ModelOutput out = ModelOutput.fromResponse(response);
        int tokens = response.path("usage").path("total_tokens").asInt(0);
        Decoded<T> decoded = decoder.decode(out, ctx);
        int calls = 1;
        if (decoded instanceof Decoded.Summary<T> s && worthReasking(s.reason())) {
            var second = reask(request, schema, out, s.reason(), tokens, options);
            if (second != null) {
                calls = 2;
                tokens += second.path("usage").path("total_tokens").asInt(0);
                out = ModelOutput.fromResponse(second);
                decoded = decoder.decode(out, ctx);
            }
        }
        rollout.record(a.arm(), decoded.mode());
        return new StructuredResponse<>(decoded, a, out.responseId(), out.model(), calls, tokens);
    }

    private boolean worthReasking(Reason r) {
        return reask.enabled() && REASKABLE.contains(r.kind());
    }

    /** The re-ask's response, or null when it does not fit the budget. */
    private JsonNode reask(
            StructuredRequest request,
            RegisteredSchema schema,
            ModelOutput bad,
            Reason why,
            int used,
            CallOptions options) {
        String feedback = "Your previous answer was rejected: " + why + ". Answer again with JSON that matches the"
                + " schema " + schema.formatName() + " exactly, every required field present.";
        String previous = bad.text().length() > 2000 ? bad.text().substring(0, 2000) : bad.text();
        int estimatedInput = TokenCounter.count(
                model,
                request.input()
                        + previous
                        + feedback
                        + (request.instructions() == null ? "" : request.instructions())
                        + Json.write(schema.schema()));
        int left = reask.tokenBudget() - used - estimatedInput;
        int cap = request.maxOutputTokens() == null ? left : Math.min(left, request.maxOutputTokens());
        if (cap < 16) {
            return null;
        }
        ArrayNode input = Json.array();
        input.addObject().put("role", "user").put("content", request.input());
        input.addObject().put("role", "assistant").put("content", previous);
        input.addObject().put("role", "user").put("content", feedback);
        ObjectNode body = body(request, schema, null, cap);
        body.set("input", input);
        return client.responses().create(body, options).json();
    }

    private ObjectNode body(StructuredRequest request, RegisteredSchema schema, String input, Integer maxOutputTokens) {
        ObjectNode body = Json.object().put("model", model);
        if (input != null) {
            body.put("input", input);
        }
        if (request.instructions() != null) {
            body.put("instructions", request.instructions());
        }
        if (maxOutputTokens != null) {
            body.put("max_output_tokens", maxOutputTokens);
        }
        body.putObject("text").set("format", format(schema));
        return body;
    }

    /** The {@code text.format} object for a registered schema: {@code json_schema}, strict. */
    public static ObjectNode format(RegisteredSchema schema) {
        ObjectNode f = Json.object();
        f.put("type", "json_schema");
        f.put("name", schema.formatName());
        f.set("schema", schema.schema());
        f.put("strict", true);
        return f;
    }

    /** Builds a {@link StructuredClient}; not thread-safe. */
    public static final class Builder<T> {
        private final KeelClient client;
        private final SchemaRegistry registry;
        private final Rollout rollout;
        private final StructuredDecoder<T> decoder;
        private String model = "gpt-4.1-mini";
        private ReaskPolicy reask = ReaskPolicy.off();

        private Builder(KeelClient client, SchemaRegistry registry, Rollout rollout, StructuredDecoder<T> decoder) {
            this.client = Objects.requireNonNull(client, "client");
            this.registry = Objects.requireNonNull(registry, "registry");
            this.rollout = Objects.requireNonNull(rollout, "rollout");
            this.decoder = Objects.requireNonNull(decoder, "decoder");
        }

        public Builder<T> model(String m) {
            model = Objects.requireNonNull(m, "model");
            return this;
        }

        public Builder<T> reask(ReaskPolicy r) {
            reask = Objects.requireNonNull(r, "reask");
            return this;
        }

        /** @throws IllegalArgumentException when the decoder and the rollout are for different schemas */
        public StructuredClient<T> build() {
            return new StructuredClient<>(this);
        }
    }
}
