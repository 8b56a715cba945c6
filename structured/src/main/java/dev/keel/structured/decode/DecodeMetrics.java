package dev.keel.structured.decode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The structured-output metrics, scraped by Prometheus as {@code structured_decode_total{mode,version}} (the version decoded as, {@code none} for a summary without one),
 * {@code structured_decode_fail_total{reason}}, {@code structured_fallback_total{from,to}}, {@code
 * structured_summary_degrade_total}, {@code structured_field_missing_total{field}} and {@code
 * structured_enum_unknown_total{field,value}} (Micrometer adds {@code _total}). Unknown enum values
 * come from the model, so the {@code value} label is cut to 64 characters and, past 50 distinct
 * values per field, reported as {@code _other}, which bounds the label cardinality. Thread-safe.
 */
public final class DecodeMetrics implements DecodeListener {

    public static final String DECODE = "structured_decode";
    public static final String DECODE_FAIL = "structured_decode_fail";
    public static final String FALLBACK = "structured_fallback";
    public static final String SUMMARY_DEGRADE = "structured_summary_degrade";
    public static final String FIELD_MISSING = "structured_field_missing";
    public static final String ENUM_UNKNOWN = "structured_enum_unknown";

    static final int MAX_ENUM_VALUES_PER_FIELD = 50;
    static final int MAX_LABEL_LENGTH = 64;

    private final MeterRegistry registry;
    private final Map<String, Set<String>> enumValues = new ConcurrentHashMap<>();

    public DecodeMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void decoded(DecodeEvent e) {
        String version = e.decodedVersion() == null ? "none" : e.decodedVersion();
        count(DECODE, "mode", e.mode().token(), "version", version);
        if (e.fallbackReason() != null) {
            count(DECODE_FAIL, "reason", e.fallbackReason().kind().token());
        }
        for (int i = 1; i < e.path().size(); i++) {
            count(
                    FALLBACK,
                    "from",
                    e.path().get(i - 1).token(),
                    "to",
                    e.path().get(i).token());
        }
        if (e.mode() == DecodeMode.SUMMARY) {
            count(SUMMARY_DEGRADE);
        }
        for (Reason r : e.reasons()) {
            switch (r.kind()) {
                case FIELD_MISSING, BUSINESS_FIELD_MISSING -> count(FIELD_MISSING, "field", field(r));
                case FIELD_DEFAULTED -> {
                    if ("missing".equals(r.detail())
                            || (r.detail() != null && r.detail().startsWith("missing"))) {
                        count(FIELD_MISSING, "field", field(r));
                    }
                }
                case ENUM_UNKNOWN -> count(ENUM_UNKNOWN, "field", field(r), "value", enumLabel(field(r), r.detail()));
                default -> {}
            }
        }
    }

    private String enumLabel(String field, String raw) {
        String v = raw == null ? "" : raw.length() > MAX_LABEL_LENGTH ? raw.substring(0, MAX_LABEL_LENGTH) : raw;
        Set<String> seen = enumValues.computeIfAbsent(field, f -> ConcurrentHashMap.newKeySet());
        if (seen.contains(v) || (seen.size() < MAX_ENUM_VALUES_PER_FIELD && seen.add(v))) {
            return v;
        }
        return "_other";
    }

    private static String field(Reason r) {
        return r.field() == null ? "$" : r.field();
    }

    private void count(String name, String... tags) {
        Counter.builder(name)
                .description(HELP.get(name))
                .tags(tags)
                .register(registry)
                .increment();
    }

    /** The HELP text of each counter, as Prometheus shows it. */
    private static final java.util.Map<String, String> HELP = java.util.Map.of(
            DECODE,
                    "structured outputs decoded, by the mode they decoded in (strict, compat, summary) and schema version",
            DECODE_FAIL, "structured outputs that fell back from strict decoding, by the reason",
            FALLBACK, "steps down the strict -> compat -> summary ladder, by the modes left and reached",
            SUMMARY_DEGRADE, "structured outputs that could only be kept as a text summary",
            FIELD_MISSING, "required fields missing from a decoded output, by field",
            ENUM_UNKNOWN, "enum values outside the schema seen in decoded outputs, by field and value");
}
