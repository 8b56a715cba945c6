package dev.keel.emulator.fault;

import dev.keel.emulator.fault.FaultEffect.BadSample;
import dev.keel.emulator.fault.FaultEffect.BatchDefect;
import dev.keel.emulator.fault.FaultEffect.BatchOutcome;
import dev.keel.emulator.fault.FaultEffect.CutStream;
import dev.keel.emulator.fault.FaultEffect.Latency;
import dev.keel.emulator.fault.FaultEffect.MalformedBody;
import dev.keel.emulator.fault.FaultEffect.None;
import dev.keel.emulator.fault.FaultEffect.Reset;
import dev.keel.emulator.fault.FaultEffect.SampleDefect;
import dev.keel.emulator.fault.FaultEffect.Stall;
import dev.keel.emulator.fault.FaultEffect.Status;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Parses the one text form of a fault, used alike by the {@code x-keel-fault} header, the {@code
 * --fault} flag and fault files.
 *
 * <pre>
 * ok                                  answer normally
 * status:503                          HTTP 503, OpenAI error body
 * status:429,retry-after:2            ... with Retry-After: 2 and retry-after-ms: 2000
 * status:429,retry-after-ms:1500      ... with Retry-After: 2 and retry-after-ms: 1500
 * status:429,code:insufficient_quota  ... with that error code
 * latency:200ms | latency:100ms..2s   wait (fixed, or uniform in the range), then answer
 * stall                               accept and never answer
 * reset                               reset the connection
 * malformed                           200 with a body that is not JSON
 * cut-stream:3                        send 3 stream events, then drop the connection
 * bad-sample:missing-field            also unknown-enum, wrong-type, invalid-json, refusal, incomplete
 * batch:expired                       also failed, partial, error-only
 * </pre>
 *
 * Stateless and thread-safe.
 */
public final class FaultSpec {

    private FaultSpec() {}

    /**
     * Parses one fault.
     *
     * @throws IllegalArgumentException when {@code spec} is not of the form above; the message
     *     quotes it and lists what is accepted
     */
    public static FaultEffect parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw invalid(spec, "it is empty");
        }
        String s = spec.strip().toLowerCase(Locale.ROOT);
        String kind = s.contains(":") ? s.substring(0, s.indexOf(':')) : s;
        String arg = s.contains(":") ? s.substring(s.indexOf(':') + 1) : "";
        try {
            return switch (kind) {
                case "ok", "none" -> new None();
                case "stall" -> new Stall();
                case "reset" -> new Reset();
                case "malformed" -> new MalformedBody();
                case "flex-unavailable" -> new FaultEffect.FlexUnavailable();
                case "status" -> status(arg);
                case "latency" -> latency(arg);
                case "cut-stream" -> new CutStream((int) whole("cut-stream:N, the events to send", arg));
                case "bad-sample" -> new BadSample(SampleDefect.valueOf(constant(arg)));
                case "batch" -> batch(arg);
                default -> throw invalid(spec, "unknown kind '" + kind + "'");
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("invalid fault")) {
                throw e;
            }
            throw invalid(spec, e.getMessage());
        }
    }

    private static Status status(String arg) {
        String[] parts = arg.split(",");
        int code = (int) whole("status:CODE, an HTTP status such as 503", parts[0]);
        Duration retryAfter = null;
        String errorCode = null;
        for (int i = 1; i < parts.length; i++) {
            String[] kv = parts[i].split(":", 2);
            String value = kv.length == 2 ? kv[1].strip() : "";
            switch (kv[0].strip()) {
                case "retry-after" ->
                    retryAfter = Duration.ofMillis(Math.round(decimal("retry-after, in seconds", value) * 1000));
                case "retry-after-ms" ->
                    retryAfter = Duration.ofMillis(whole("retry-after-ms, in milliseconds", value));
                case "code" -> errorCode = value;
                default -> throw new IllegalArgumentException("unknown status option '" + kv[0] + "'");
            }
        }
        return new Status(code, retryAfter, errorCode);
    }

    private static Latency latency(String arg) {
        String[] range = arg.split("\\.\\.", 2);
        Duration min = duration(range[0]);
        return new Latency(min, range.length == 2 ? duration(range[1]) : min);
    }

    /**
     * Parses {@code 250ms}, {@code 2s}, {@code 1.5s} or {@code 3m}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static Duration duration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(whole("duration '" + text + "' in ms", t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis(Math.round(
                    decimal("duration '" + text + "' in s", t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofMillis(Math.round(
                    decimal("duration '" + text + "' in m", t.substring(0, t.length() - 1)) * 60_000));
        }
        if (t.endsWith("h")) {
            return Duration.ofMillis(Math.round(
                    decimal("duration '" + text + "' in h", t.substring(0, t.length() - 1)) * 3_600_000));
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration such as 250ms, 2s, 1m or 6h");
    }

    private static BatchOutcome batch(String arg) {
        if (arg.startsWith("line-failures")) {
            String rate = arg.contains(":") ? arg.substring(arg.indexOf(':') + 1) : "";
            if (rate.isBlank()) {
                throw new IllegalArgumentException("batch:line-failures needs a rate, e.g. batch:line-failures:0.05");
            }
            return new BatchOutcome(
                    BatchDefect.LINE_FAILURES, decimal("batch:line-failures:RATE, a fraction 0..1", rate));
        }
        return new BatchOutcome(BatchDefect.valueOf(constant(arg)));
    }

    /** A whole number >= 0 for {@code what}, or an error naming it (not Java's "For input string"). */
    private static long whole(String what, String text) {
        try {
            long n = Long.parseLong(text.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": '" + text.strip() + "' is not a whole number >= 0");
    }

    /** A finite decimal >= 0 for {@code what}, or an error naming it. */
    private static double decimal(String what, String text) {
        try {
            double d = Double.parseDouble(text.strip());
            if (Double.isFinite(d) && d >= 0 && text.strip().matches("\\d+(\\.\\d*)?|\\.\\d+")) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + ": '" + text.strip() + "' is not a finite number >= 0");
    }

    private static String constant(String token) {
        return token.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        String defects =
                Arrays.stream(SampleDefect.values()).map(SampleDefect::token).collect(Collectors.joining("|"));
        String batch =
                Arrays.stream(BatchDefect.values()).map(BatchDefect::token).collect(Collectors.joining("|"));
        return new IllegalArgumentException("invalid fault '" + spec + "': " + why
                + ". Use one of: ok, status:CODE[,retry-after:S][,retry-after-ms:MS][,code:ERROR_CODE],"
                + " latency:DURATION[..DURATION], stall, reset, malformed, flex-unavailable, cut-stream:N, bad-sample:"
                + defects
                + ", batch:" + batch);
    }
}
