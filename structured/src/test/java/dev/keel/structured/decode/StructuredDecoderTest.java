package dev.keel.structured.decode;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.keel.structured.schema.SchemaRegistry;
import dev.keel.structured.tickets.Priority;
import dev.keel.structured.tickets.TicketDecoders;
import dev.keel.structured.tickets.TicketType;
import dev.keel.structured.tickets.TicketV2;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class StructuredDecoderTest {

    private static final SchemaRegistry REGISTRY = TicketDecoders.registry();
    private static final String GOOD = "{\"schema_version\":\"v2\",\"ticket_type\":\"billing\",\"priority\":\"high\","
            + "\"summary\":\"Duplicate charge\",\"actions\":[\"Check the idempotency key\"]}";

    private final RecordingDecodeListener events = new RecordingDecodeListener();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final StructuredDecoder<TicketV2> decoder = TicketDecoders.decoder(
            REGISTRY, DecodeListener.of(List.of(events, new DecodeMetrics(metrics), new DecodeLog())));
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        log.start();
        ((Logger) LoggerFactory.getLogger(DecodeLog.LOGGER)).addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger(DecodeLog.LOGGER)).detachAppender(log);
    }

    private Decoded<TicketV2> decode(String text, String expected) {
        return decoder.decode(
                ModelOutput.ofText(text), DecodeContext.expecting(expected).withPromptVersion("p7"));
    }

    @Test
    void decode_validV2_isStrictAndBindsTheRecord() {
        var d = decode(GOOD, "v2");
        assertThat(d)
                .isEqualTo(new Decoded.Strict<>(
                        new TicketV2(
                                "v2",
                                TicketType.BILLING,
                                Priority.HIGH,
                                "Duplicate charge",
                                List.of("Check the idempotency key")),
                        "v2"));
        assertThat(events.last().path()).containsExactly(DecodeMode.STRICT);
        assertThat(counter("structured_decode", "mode", "strict", "version", "v2"))
                .isEqualTo(1);
    }

    @Test
    void decode_validV1ExpectingV1_isStrictUpcastToTheCurrentType() {
        var d = decode("{\"schema_version\":\"v1\",\"ticket_type\":\"account\",\"summary\":\"Reset\"}", "v1");
        assertThat(d).isInstanceOf(Decoded.Strict.class);
        assertThat(((Decoded.Strict<TicketV2>) d).value())
                .isEqualTo(new TicketV2("v2", TicketType.ACCOUNT, Priority.MEDIUM, "Reset", List.of()));
        assertThat(d.version()).isEqualTo("v1");
    }

    @Test
    void decode_unknownEnum_isCompatMappedToUnknownWithTheRawValueLoggedAndCounted() {
        var d = decode(GOOD.replace("\"billing\"", "\"refund\""), "v2");
        var compat = (Decoded.Compat<TicketV2>) d;
        assertThat(compat.value().ticketType()).isEqualTo(TicketType.UNKNOWN);
        assertThat(compat.reasons()).contains(Reason.of(ReasonKind.ENUM_UNKNOWN, "ticket_type", "refund"));
        assertThat(counter("structured_enum_unknown", "field", "ticket_type", "value", "refund"))
                .isEqualTo(1);
        assertThat(counter("structured_fallback", "from", "strict", "to", "compat"))
                .isEqualTo(1);
        assertThat(counter("structured_decode_fail", "reason", "schema_violation"))
                .isEqualTo(1);
        assertThat(log.list.get(0).getFormattedMessage()).contains("ticket_type: refund");
    }

    @Test
    void decode_forcedCompat_logsAllFiveFieldsAsKeyValuesAndInTheMessage() {
        decoder.decode(
                ModelOutput.fromResponse(dev.keel.wire.json.Json.parse(
                        "{\"model\":\"gpt-4.1-mini\",\"status\":\"completed\",\"output\":[{\"type\":\"message\","
                                + "\"content\":[{\"type\":\"output_text\",\"text\":"
                                + dev.keel.wire.json.Json.write(GOOD)
                                + "}]}]}")),
                new DecodeContext("v2", CompatFallback.FORCE, null, "p7", "canary"));
        ILoggingEvent line = log.list.get(0);
        Map<String, Object> kv = line.getKeyValuePairs().stream().collect(Collectors.toMap(p -> p.key, p -> p.value));
        assertThat(kv)
                .containsEntry("schema_version_detected", "v2")
                .containsEntry("decode_mode", "compat")
                .containsEntry("fallback_reason", "forced_compat")
                .containsEntry("model", "gpt-4.1-mini")
                .containsEntry("prompt_version", "p7")
                .containsEntry("arm", "canary");
        assertThat(line.getFormattedMessage())
                .contains(
                        "schema_version_detected=v2",
                        "decode_mode=compat",
                        "fallback_reason=forced_compat",
                        "model=gpt-4.1-mini",
                        "prompt_version=p7");
        assertThat(line.getFormattedMessage()).doesNotContain("Duplicate charge");
        assertThat(line.getKeyValuePairs()).extracting(KeyValuePair::toString).isNotEmpty();
    }

    @Test
    void decode_compatOff_strictFailureGoesStraightToSummary() {
        String noPriority = GOOD.replace("\"priority\":\"high\",", "");
        var d = decoder.decode(
                ModelOutput.ofText(noPriority), DecodeContext.expecting("v2").withFallback(CompatFallback.OFF));
        assertThat(d).isInstanceOf(Decoded.Summary.class);
        assertThat(((Decoded.Summary<TicketV2>) d).reason().kind()).isEqualTo(ReasonKind.SCHEMA_VIOLATION);
        assertThat(((Decoded.Summary<TicketV2>) d).rawText()).isEqualTo(noPriority);
        assertThat(events.last().path()).containsExactly(DecodeMode.STRICT, DecodeMode.SUMMARY);
        assertThat(counter("structured_summary_degrade")).isEqualTo(1);
    }

    @Test
    void decode_missingFieldWithDefault_isCompatAndCountsTheMissingField() {
        var d = decode(GOOD.replace("\"priority\":\"high\",", ""), "v2");
        assertThat(((Decoded.Compat<TicketV2>) d).value().priority()).isEqualTo(Priority.MEDIUM);
        assertThat(counter("structured_field_missing", "field", "priority")).isEqualTo(1);
    }

    @Test
    void decode_blankSummary_failsTheBusinessRule_degradesToSummary_neverANull() {
        var d = decode(GOOD.replace("\"Duplicate charge\"", "\"  \""), "v2");
        var s = (Decoded.Summary<TicketV2>) d;
        assertThat(s.reason())
                .isEqualTo(Reason.of(ReasonKind.BUSINESS_FIELD_MISSING, "summary", "required by a business rule"));
        assertThat(counter("structured_field_missing", "field", "summary")).isEqualTo(1);
    }

    @Test
    void decode_strictButUnknownPriorityNotPossible_businessDefaultTurnsStrictIntoCompat() {
        // priority "unknown" is not in the schema's enum, so strict fails first; the compat value then
        // meets the business default: both reasons are listed, in order.
        var d = (Decoded.Compat<TicketV2>) decode(GOOD.replace("\"high\"", "\"asap\""), "v2");
        assertThat(d.value().priority()).isEqualTo(Priority.MEDIUM);
        assertThat(d.reasons())
                .extracting(Reason::kind)
                .containsSubsequence(ReasonKind.SCHEMA_VIOLATION, ReasonKind.ENUM_UNKNOWN, ReasonKind.FIELD_DEFAULTED);
    }

    @Test
    void decode_refusalAndIncomplete_areSummariesWithTheirText() {
        var refusal = decoder.decode(
                new ModelOutput("", "I can't help with that.", null, "m", "r1"), DecodeContext.expecting("v2"));
        assertThat(refusal)
                .isEqualTo(new Decoded.Summary<>(
                        "I can't help with that.", Reason.of(ReasonKind.REFUSAL, null, null), null));
        var cut = decoder.decode(
                new ModelOutput("{\"schema_version\":\"v2\",\"tic", null, "max_output_tokens", "m", "r2"),
                DecodeContext.expecting("v2"));
        assertThat(((Decoded.Summary<TicketV2>) cut).reason())
                .isEqualTo(Reason.of(ReasonKind.INCOMPLETE, null, "max_output_tokens"));
        assertThat(((Decoded.Summary<TicketV2>) cut).rawText()).startsWith("{\"schema_version\"");
    }

    @Test
    void decode_unknownVersionLabel_isBoundedInMetrics() {
        decode(GOOD.replace("\"v2\"", "\"v-" + "x".repeat(100) + "\""), "v2");
        assertThat(counter("structured_decode", "mode", "compat", "version", "v2"))
                .isEqualTo(1);
        assertThat(events.last().detectedVersion()).hasSize(64);
    }

    @Test
    void metrics_enumValueLabel_isCappedPerField() {
        for (int i = 0; i < DecodeMetrics.MAX_ENUM_VALUES_PER_FIELD + 5; i++) {
            decode(GOOD.replace("\"billing\"", "\"made-up-" + i + "\""), "v2");
        }
        assertThat(counter("structured_enum_unknown", "field", "ticket_type", "value", "_other"))
                .isEqualTo(5);
    }

    private double counter(String name, String... tags) {
        var c = metrics.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }
}
