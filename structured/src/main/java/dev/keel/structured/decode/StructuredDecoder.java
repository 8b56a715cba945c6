package dev.keel.structured.decode;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.keel.structured.schema.RegisteredSchema;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.schema.SchemaValidator;
import dev.keel.wire.json.Json;
import dev.keel.wire.json.JsonSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Decodes model outputs of one named schema into the current type {@code T}, never throwing on a bad
 * sample: strict → compat → summary.
 *
 * <ol>
 *   <li>A refusal, an {@code incomplete} response or an empty output is a {@link Decoded.Summary} at
 *       once, with the refusal or partial text.
 *   <li>Text that is not a JSON object is a summary ({@code invalid_json}, {@code not_an_object}).
 *   <li>Routing by the peeked {@code schema_version}: a registered version is decoded strictly (the
 *       output validates against that version's schema with networknt, binds to its type, and is
 *       upcast to {@code T}); a missing or unknown version, or a strict failure, goes to compat when
 *       the fallback allows it. A version other than the one requested is decoded as that version and
 *       reported as compat ({@code version_mismatch}). An output without {@code schema_version} whose
 *       target version (the expected one, else the newest this decoder reads) defines no such
 *       property is decoded strictly as that version: there is nothing to route by, and its absence
 *       is not a defect.
 *   <li>Compat reads tolerantly (see {@link Decoded.Compat}) against the declared version, or the
 *       requested one when the declared one is unknown; if that fails too, a summary.
 *   <li>The business rules run on every value; a missing required business field degrades to a
 *       summary, an applied default makes the result compat.
 * </ol>
 *
 * Types bind by snake_case property name ({@code ticketType} ↔ {@code ticket_type}) unless annotated;
 * give Java enums an {@code UNKNOWN} constant so unknown values can map to it. Each decode is
 * reported to the listener. Immutable and thread-safe.
 */
public final class StructuredDecoder<T> {

    /** The value unknown enum values map to in compat mode. */
    public static final String UNKNOWN = "unknown";

    private static final ObjectMapper STRICT = mapper(true);
    private static final ObjectMapper TOLERANT = mapper(false);

    private record Binding<T>(RegisteredSchema schema, Class<?> type, Function<Object, T> upcast) {
        /** Binds with the strict or the tolerant mapper; JSON-only bindings (no type) keep the tree. */
        T bind(JsonNode json, boolean strict) {
            if (type == null) {
                return upcast.apply(json);
            }
            try {
                return upcast.apply((strict ? STRICT : TOLERANT).treeToValue(json, type));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "cannot bind to " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
            }
        }
    }

    private final String name;
    private final Map<String, Binding<T>> versions;
    private final Map<String, JsonNode> defaults;
    private final BusinessRules<T> rules;
    private final DecodeListener listener;
    private final SchemaValidator validator;

    private StructuredDecoder(Builder<T> b) {
        this.name = b.name;
        this.versions = Map.copyOf(b.versions);
        this.defaults = Map.copyOf(b.defaults);
        this.rules = b.rules;
        this.listener = b.listener;
        this.validator = b.validator;
    }

    /** A builder for outputs of {@code name} from {@code registry}, decoded into {@code type}. */
    public static <T> Builder<T> builder(SchemaRegistry registry, String name, Class<T> type) {
        return new Builder<>(registry, name);
    }

    /**
     * A decoder that keeps outputs as JSON: every registered version of {@code name}, no upcasting.
     * What {@code keel schema replay-corpus} uses when there are no Java types.
     */
    public static StructuredDecoder<JsonNode> forJson(SchemaRegistry registry, String name) {
        return forJson(registry, name, Map.of());
    }

    /** As {@link #forJson(SchemaRegistry, String)}, with compat defaults by field path. */
    public static StructuredDecoder<JsonNode> forJson(
            SchemaRegistry registry, String name, Map<String, JsonNode> defaults) {
        var b = new Builder<JsonNode>(registry, name);
        registry.versions(name).forEach(v -> b.json(v));
        defaults.forEach(b::defaultValue);
        return b.listener(DecodeListener.NONE).build();
    }

    /** The schema name. */
    public String name() {
        return name;
    }

    /** The versions this decoder reads. */
    public java.util.Set<String> versions() {
        return versions.keySet();
    }

    /** Decodes {@code output}; never throws for anything the model produced. */
    public Decoded<T> decode(ModelOutput output, DecodeContext ctx) {
        var run = new Run(output, ctx);
        Decoded<T> result = run.decode();
        listener.decoded(run.event(result));
        return result;
    }

    /** One decode's working state. */
    private final class Run {
        private final ModelOutput out;
        private final DecodeContext ctx;
        private final List<DecodeMode> path = new ArrayList<>(List.of(DecodeMode.STRICT));
        private final List<Reason> reasons = new ArrayList<>();
        private String detected;
        private String decodedAs;

        Run(ModelOutput out, DecodeContext ctx) {
            this.out = out;
            this.ctx = ctx;
        }

        Decoded<T> decode() {
            if (out.refusal() != null) {
                return summary(out.refusal(), Reason.of(ReasonKind.REFUSAL, null, null));
            }
            if (out.incompleteReason() != null) {
                return summary(out.text(), Reason.of(ReasonKind.INCOMPLETE, null, out.incompleteReason()));
            }
            if (out.text().isBlank()) {
                return summary(out.text(), Reason.of(ReasonKind.EMPTY_OUTPUT, null, null));
            }
            JsonNode json;
            try {
                json = Json.parse(out.text());
            } catch (JsonSyntaxException e) {
                return summary(out.text(), Reason.of(ReasonKind.INVALID_JSON, null, e.getMessage()));
            }
            if (!(json instanceof ObjectNode obj)) {
                return summary(
                        out.text(),
                        Reason.of(
                                ReasonKind.NOT_AN_OBJECT,
                                null,
                                dev.keel.structured.schema.internal.Schemas.typeOf(json)));
            }
            return route(obj);
        }

        private Decoded<T> route(ObjectNode obj) {
            JsonNode v = obj.get("schema_version");
            detected = v == null || v.isNull() ? null : cap(v.isTextual() ? v.asText() : v.toString());
            if (ctx.fallback() == CompatFallback.FORCE) {
                reasons.add(Reason.of(ReasonKind.FORCED_COMPAT, null, "STRUCTURED_OUTPUT_COMPAT_FALLBACK=force"));
                return compat(obj, target());
            }
            if (detected == null && !declaresVersion(target())) {
                return strict(obj, target());
            }
            if (detected == null) {
                reasons.add(Reason.of(ReasonKind.MISSING_VERSION, "schema_version", null));
                return afterStrictFailure(obj);
            }
            if (!v.isTextual() || !versions.containsKey(detected)) {
                reasons.add(Reason.of(ReasonKind.UNKNOWN_VERSION, "schema_version", detected));
                return afterStrictFailure(obj);
            }
            return strict(obj, versions.get(detected));
        }

        private Decoded<T> strict(ObjectNode obj, Binding<T> b) {
            var violations = validator.validate(b.schema(), obj);
            if (!violations.isEmpty()) {
                var first = violations.get(0);
                reasons.add(Reason.of(ReasonKind.SCHEMA_VIOLATION, field(first.location()), first.message()));
                return afterStrictFailure(obj);
            }
            T value;
            try {
                value = b.bind(obj, true);
            } catch (RuntimeException e) {
                reasons.add(Reason.of(ReasonKind.BIND_FAILED, null, oneLine(e)));
                return afterStrictFailure(obj);
            }
            decodedAs = b.schema().version();
            if (detected != null
                    && ctx.expectedVersion() != null
                    && !ctx.expectedVersion().equals(detected)) {
                reasons.add(Reason.of(
                        ReasonKind.VERSION_MISMATCH,
                        "schema_version",
                        "expected " + ctx.expectedVersion() + ", got " + detected));
                path.add(DecodeMode.COMPAT);
                return business(value, true);
            }
            return business(value, false);
        }

        private Decoded<T> afterStrictFailure(ObjectNode obj) {
            if (ctx.fallback() == CompatFallback.OFF) {
                return summary(out.text(), reasons.get(0));
            }
            return compat(obj, target());
        }

        private Binding<T> target() {
            if (detected != null && versions.containsKey(detected)) {
                return versions.get(detected);
            }
            if (ctx.expectedVersion() != null && versions.containsKey(ctx.expectedVersion())) {
                return versions.get(ctx.expectedVersion());
            }
            return versions.values().stream()
                    .max((a, c) -> SchemaRegistry.versionOrder()
                            .compare(a.schema().version(), c.schema().version()))
                    .orElseThrow();
        }

        private Decoded<T> compat(ObjectNode obj, Binding<T> b) {
            path.add(DecodeMode.COMPAT);
            var read = CompatReader.read(b.schema().schema(), withVersion(obj, b), defaults, UNKNOWN);
            reasons.addAll(read.repairs());
            if (read.failure() != null) {
                reasons.add(read.failure());
                return summary(out.text(), read.failure());
            }
            T value;
            try {
                value = b.bind(read.value(), false);
            } catch (RuntimeException e) {
                Reason r = Reason.of(ReasonKind.BIND_FAILED, null, oneLine(e));
                reasons.add(r);
                return summary(out.text(), r);
            }
            decodedAs = b.schema().version();
            return business(value, true);
        }

        private ObjectNode withVersion(ObjectNode obj, Binding<T> b) {
            ObjectNode copy = obj.deepCopy();
            if (declaresVersion(b)) {
                copy.set("schema_version", TextNode.valueOf(b.schema().version()));
            }
            return copy;
        }

        private Decoded<T> business(T value, boolean compat) {
            return switch (rules.apply(value)) {
                case BusinessRules.Verdict.Missing<T> m -> {
                    reasons.add(m.reason());
                    yield summary(out.text(), m.reason());
                }
                case BusinessRules.Verdict.Pass<T> p -> {
                    reasons.addAll(p.applied());
                    if (!compat && p.applied().isEmpty()) {
                        yield new Decoded.Strict<>(p.value(), decodedAs);
                    }
                    if (!compat) {
                        path.add(DecodeMode.COMPAT);
                    }
                    yield new Decoded.Compat<>(p.value(), decodedAs, reasons);
                }
            };
        }

        private Decoded<T> summary(String text, Reason reason) {
            if (!reasons.contains(reason)) {
                reasons.add(reason);
            }
            path.add(DecodeMode.SUMMARY);
            return new Decoded.Summary<>(text, reason, decodedAs != null ? decodedAs : known(detected));
        }

        DecodeEvent event(Decoded<T> result) {
            Reason fallback = result.mode() == DecodeMode.STRICT ? null : reasons.get(0);
            String model = ctx.model() != null ? ctx.model() : out.model();
            return new DecodeEvent(
                    name,
                    ctx.expectedVersion(),
                    detected,
                    result.version(),
                    result.mode(),
                    path,
                    fallback,
                    reasons,
                    model,
                    ctx.promptVersion(),
                    ctx.arm());
        }

        private String known(String v) {
            return v != null && versions.containsKey(v) ? v : null;
        }
    }

    /** Whether the version's schema has a root {@code schema_version} property to route by. */
    private static boolean declaresVersion(Binding<?> b) {
        return b.schema().schema().path("properties").has("schema_version");
    }

    private static String field(String location) {
        String f = location.startsWith("$.") ? location.substring(2) : location.equals("$") ? null : location;
        return f;
    }

    private static String cap(String s) {
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private static String oneLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static ObjectMapper mapper(boolean strict) {
        return JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, strict)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
                .build();
    }

    /** Builds a {@link StructuredDecoder}; not thread-safe. */
    public static final class Builder<T> {
        private final SchemaRegistry registry;
        private final String name;
        private final Map<String, Binding<T>> versions = new LinkedHashMap<>();
        private final Map<String, JsonNode> defaults = new LinkedHashMap<>();
        private BusinessRules<T> rules = BusinessRules.none();
        private DecodeListener listener = new DecodeLog();
        private SchemaValidator validator = new SchemaValidator();

        private Builder(SchemaRegistry registry, String name) {
            this.registry = Objects.requireNonNull(registry, "registry");
            this.name = Objects.requireNonNull(name, "name");
        }

        /**
         * Reads {@code version} into {@code type} and upcasts it to the current type.
         *
         * @throws IllegalArgumentException when the version is not registered
         */
        public <R> Builder<T> version(String version, Class<R> type, Function<? super R, ? extends T> upcast) {
            RegisteredSchema schema = registry.get(name, version);
            versions.put(version, new Binding<>(schema, type, o -> upcast.apply(type.cast(o))));
            return this;
        }

        @SuppressWarnings("unchecked")
        private Builder<T> json(String version) {
            versions.put(version, new Binding<>(registry.get(name, version), null, o -> (T) o));
            return this;
        }

        /** The compat default for a missing or mistyped field, by instance path (e.g. {@code priority}). */
        public Builder<T> defaultValue(String field, Object value) {
            defaults.put(field, Json.mapper().valueToTree(value));
            return this;
        }

        public Builder<T> businessRules(BusinessRules<T> r) {
            rules = Objects.requireNonNull(r, "rules");
            return this;
        }

        /** Replaces the listener (default: {@link DecodeLog}); combine with {@link DecodeListener#of}. */
        public Builder<T> listener(DecodeListener l) {
            listener = Objects.requireNonNull(l, "listener");
            return this;
        }

        public Builder<T> validator(SchemaValidator v) {
            validator = Objects.requireNonNull(v, "validator");
            return this;
        }

        /** @throws IllegalStateException when no version was added */
        public StructuredDecoder<T> build() {
            if (versions.isEmpty()) {
                throw new IllegalStateException("add at least one version to the decoder for " + name + " (registered: "
                        + registry.versions(name) + ")");
            }
            return new StructuredDecoder<>(this);
        }
    }
}
