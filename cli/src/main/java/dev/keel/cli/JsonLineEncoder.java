package dev.keel.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.wire.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line: {@code ts} (ISO-8601 UTC, milliseconds), {@code level}, {@code
 * logger}, {@code thread}, {@code msg} (the formatted message), then each field of the line as a
 * member of its own — the event's key/value pairs first, then every {@code key=value} token of the
 * message (keel writes its log lines as {@code key=value}; a key already set keeps its first value,
 * and the envelope's names are never overwritten) — and {@code error} (the throwable's class and
 * message, one line) when there is one. Values are strings, as written. Thread-safe (stateless).
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

    /** {@code key=value}: a key of word characters (dots allowed), a value up to the next space. */
    private static final Pattern FIELD = Pattern.compile("(?<![\\w.=])([a-z][a-z0-9_.]*)=([^\\s]+)");

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        ObjectNode line = Json.object();
        line.put("ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        line.put("level", event.getLevel().toString());
        line.put("logger", event.getLoggerName());
        line.put("thread", event.getThreadName());
        String msg = event.getFormattedMessage();
        line.put("msg", msg);
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair kv : event.getKeyValuePairs()) {
                if (!line.has(kv.key)) {
                    line.put(kv.key, String.valueOf(kv.value));
                }
            }
        }
        if (msg != null) {
            Matcher m = FIELD.matcher(msg);
            while (m.find()) {
                if (!line.has(m.group(1))) {
                    line.put(m.group(1), m.group(2));
                }
            }
        }
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            line.put("error", t.getClassName() + (t.getMessage() == null ? "" : ": " + oneLine(t.getMessage())));
        }
        return (Json.write(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
