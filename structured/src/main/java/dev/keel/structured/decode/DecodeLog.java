package dev.keel.structured.decode;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes one line per decode to the logger {@code dev.keel.structured.decode} with the fields
 * {@code schema_version_detected}, {@code decode_mode}, {@code fallback_reason}, {@code model} and
 * {@code prompt_version} (plus {@code schema}, {@code expected_version}, {@code arm}, {@code
 * reasons}), both in the message as {@code key=value} and as SLF4J key-value pairs for JSON encoders.
 * Every decode logs at INFO, so greps such as {@code decode_mode=compat} see all of them; a summary
 * logs at WARN. The raw output text is never logged (it may hold personal data); an unknown enum's
 * raw value is, for audit. Thread-safe.
 */
public final class DecodeLog implements DecodeListener {

    static final String LOGGER = "dev.keel.structured.decode";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

    @Override
    public void decoded(DecodeEvent e) {
        LoggingEventBuilder b = e.mode() == DecodeMode.SUMMARY ? LOG.atWarn() : LOG.atInfo();
        String reasons = e.reasons().stream().map(Reason::toString).collect(Collectors.joining(",", "[", "]"));
        String fallback =
                e.fallbackReason() == null ? "none" : e.fallbackReason().kind().token();
        b.addKeyValue("schema", e.schema())
                .addKeyValue("schema_version_detected", orNone(e.detectedVersion()))
                .addKeyValue("decode_mode", e.mode().token())
                .addKeyValue("fallback_reason", fallback)
                .addKeyValue("model", orNone(e.model()))
                .addKeyValue("prompt_version", orNone(e.promptVersion()))
                .addKeyValue("expected_version", orNone(e.expectedVersion()))
                .addKeyValue("arm", orNone(e.arm()))
                .addKeyValue("reasons", reasons)
                .log(
                        "structured decode schema={} schema_version_detected={} decode_mode={} fallback_reason={}"
                                + " model={} prompt_version={} expected_version={} arm={} reasons={}",
                        e.schema(),
                        orNone(e.detectedVersion()),
                        e.mode().token(),
                        fallback,
                        orNone(e.model()),
                        orNone(e.promptVersion()),
                        orNone(e.expectedVersion()),
                        orNone(e.arm()),
                        reasons);
    }

    private static String orNone(String s) {
        return s == null ? "none" : s;
    }
}
