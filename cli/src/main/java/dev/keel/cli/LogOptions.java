package dev.keel.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --log-format text|json}: keel's log lines on stderr as {@code key=value} text (the default,
 * from logback.xml) or as JSON lines ({@link JsonLineEncoder}); {@code KEEL_LOG_FORMAT} when the flag
 * is absent. Switching replaces the encoder of the root logger's {@code STDERR} appender.
 */
final class LogOptions {

    /** The appender logback.xml names; the one whose lines are switched. */
    static final String APPENDER = "STDERR";

    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} level=%level logger=%logger{0} %msg%n";

    enum Format {
        text,
        json
    }

    @Option(
            names = "--log-format",
            paramLabel = "FORMAT",
            description = "Log lines on stderr as text (key=value; the default) or json (one object per line:"
                    + " ts, level, logger, msg and each key=value as a field); default: KEEL_LOG_FORMAT, else text.")
    Format logFormat;

    /**
     * Applies the chosen format.
     *
     * @throws IllegalArgumentException when {@code KEEL_LOG_FORMAT} is neither text nor json
     */
    void apply(Map<String, String> env) {
        Format f = logFormat;
        if (f == null) {
            String v = env.get("KEEL_LOG_FORMAT");
            if (v == null || v.isBlank()) {
                return;
            }
            try {
                f = Format.valueOf(v.strip().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "KEEL_LOG_FORMAT='" + v + "': not a log format; use text or json (or unset it)");
            }
        }
        use(f);
    }

    /** Switches the stderr appender's lines to {@code format}. */
    static void use(Format format) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            return; // another SLF4J binding: its configuration decides
        }
        var root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender(APPENDER) instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        boolean json = console.getEncoder() instanceof JsonLineEncoder;
        if (json == (format == Format.json)) {
            return;
        }
        Encoder<ILoggingEvent> encoder;
        if (format == Format.json) {
            encoder = new JsonLineEncoder();
        } else {
            var text = new PatternLayoutEncoder();
            text.setPattern(TEXT_PATTERN);
            encoder = text;
        }
        encoder.setContext(ctx);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }
}
