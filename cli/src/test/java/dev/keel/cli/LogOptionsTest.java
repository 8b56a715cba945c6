package dev.keel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.emulator.Emulator;
import dev.keel.wire.json.Json;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** JSON log lines: real logback events through {@link JsonLineEncoder}, and the flag that switches them on. */
class LogOptionsTest {

    private final CliHarness cli = new CliHarness();

    @AfterEach
    void backToText() {
        LogOptions.use(LogOptions.Format.text);
    }

    @Test
    void eachEvent_isOneJsonObject_withAnIsoTimestamp_andItsKeyValueFieldsAsMembers() {
        var ctx = new LoggerContext();
        ctx.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        ctx.start();
        var bytes = new ByteArrayOutputStream();
        var encoder = new JsonLineEncoder();
        encoder.setContext(ctx);
        encoder.start();
        var appender = new OutputStreamAppender<ILoggingEvent>();
        appender.setContext(ctx);
        appender.setEncoder(encoder);
        appender.setOutputStream(bytes);
        appender.start();
        var log = ctx.getLogger("dev.keel.batch.run.BatchRunner");
        log.addAppender(appender);

        log.info("run={} chunk={} {}", "run_42", 3, "submitted");
        log.atWarn()
                .addKeyValue("schema", "ticket")
                .addKeyValue("level", "not the envelope's")
                .log("structured decode decode_mode=summary \"quoted\" reasons=[a,b]");
        log.error(
                "sidecar request failed method=POST path=/v1/realtime/token",
                new IllegalStateException("boom\nsecond line"));
        appender.stop();

        List<JsonNode> lines = new String(bytes.toByteArray(), StandardCharsets.UTF_8)
                .lines()
                .map(Json::parse)
                .toList();
        assertThat(lines)
                .as("status: %s", ctx.getStatusManager().getCopyOfStatusList())
                .hasSize(3);
        JsonNode first = lines.get(0);
        assertThat(Instant.parse(first.get("ts").asText())).isNotNull();
        assertThat(first.get("ts").asText()).endsWith("Z");
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("logger").asText()).isEqualTo("dev.keel.batch.run.BatchRunner");
        assertThat(first.get("msg").asText()).isEqualTo("run=run_42 chunk=3 submitted");
        assertThat(first.get("run").asText()).isEqualTo("run_42");
        assertThat(first.get("chunk").asText()).isEqualTo("3");
        assertThat(first.get("thread").asText()).isNotBlank();

        JsonNode second = lines.get(1);
        assertThat(second.get("level").asText())
                .as("the envelope is never overwritten")
                .isEqualTo("WARN");
        assertThat(second.get("schema").asText()).isEqualTo("ticket");
        assertThat(second.get("decode_mode").asText()).isEqualTo("summary");
        assertThat(second.get("reasons").asText()).isEqualTo("[a,b]");
        assertThat(second.get("msg").asText()).contains("\"quoted\"");

        JsonNode third = lines.get(2);
        assertThat(third.get("method").asText()).isEqualTo("POST");
        assertThat(third.get("path").asText()).isEqualTo("/v1/realtime/token");
        assertThat(third.get("error").asText()).isEqualTo("java.lang.IllegalStateException: boom second line");
    }

    @Test
    void logFormatJson_onCall_switchesTheStderrAppenderToJsonLines() {
        try (var emulator = Emulator.start()) {
            var call = new CallCommand();
            call.env = Map.of(
                    "OPENAI_API_KEY",
                    "sk-test-logs",
                    "OPENAI_BASE_URL",
                    emulator.baseUrl().toString());
            assertThat(cli.run(call, "--log-format", "json", "Hi")).isZero();
        }
        assertThat(stderrAppender().getEncoder()).isInstanceOf(JsonLineEncoder.class);
        LogOptions.use(LogOptions.Format.text);
        assertThat(stderrAppender().getEncoder()).isNotInstanceOf(JsonLineEncoder.class);
    }

    @Test
    void keelLogFormatVariable_switchesToo_andAnUnknownValueIsRefusedNamingIt() {
        var call = new CallCommand();
        call.env = Map.of("KEEL_LOG_FORMAT", "yaml");
        assertThat(cli.run(call, "Hi")).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(cli.err()).contains("KEEL_LOG_FORMAT='yaml'", "text or json");

        new LogOptions().apply(Map.of("KEEL_LOG_FORMAT", "JSON"));
        assertThat(stderrAppender().getEncoder()).isInstanceOf(JsonLineEncoder.class);
    }

    @SuppressWarnings("unchecked")
    private static ConsoleAppender<ILoggingEvent> stderrAppender() {
        var ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        return (ConsoleAppender<ILoggingEvent>)
                ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(LogOptions.APPENDER);
    }
}
