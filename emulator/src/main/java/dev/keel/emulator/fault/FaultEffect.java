package dev.keel.emulator.fault;

import java.time.Duration;
import java.util.Locale;

/**
 * What the emulator does to one request instead of (or on top of) answering it normally.
 *
 * <p>Each variant is an immutable value. Transport faults ({@link Status}, {@link Latency}, {@link
 * Stall}, {@link Reset}, {@link MalformedBody}) apply to any route; {@link CutStream} only to
 * streaming requests, {@link BadSample} only to model outputs, and {@link BatchOutcome} only to batch
 * creation. {@link #describe()} gives the text form that {@link FaultSpec#parse} reads back.
 */
public sealed interface FaultEffect {

    /** The text form of this effect, as accepted by {@link FaultSpec#parse(String)}. */
    String describe();

    /** No fault: answer normally. Used as a step of a scripted sequence. */
    record None() implements FaultEffect {
        @Override
        public String describe() {
            return "ok";
        }
    }

    /**
     * Answer with an HTTP error status and an OpenAI-shaped error body.
     *
     * @param code the HTTP status, 400–599
     * @param retryAfter sent as {@code Retry-After} (whole seconds, rounded up) and {@code
     *     retry-after-ms}; null sends neither
     * @param errorCode the body's {@code error.code}; null picks the usual one for the status
     */
    record Status(int code, Duration retryAfter, String errorCode) implements FaultEffect {
        public Status {
            if (code < 400 || code > 599) {
                throw new IllegalArgumentException("fault status must be 400-599, got " + code);
            }
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retry-after must not be negative, got " + retryAfter);
            }
        }

        @Override
        public String describe() {
            String s = "status:" + code;
            if (retryAfter != null) {
                s += ",retry-after-ms:" + retryAfter.toMillis();
            }
            return errorCode == null ? s : s + ",code:" + errorCode;
        }
    }

    /**
     * Wait before answering normally: exactly {@code min} when {@code min == max}, otherwise uniform
     * in [{@code min}, {@code max}] from the plan's seeded random source.
     */
    record Latency(Duration min, Duration max) implements FaultEffect {
        public Latency {
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("latency needs 0 <= min <= max, got " + min + ".." + max);
            }
        }

        @Override
        public String describe() {
            return min.equals(max)
                    ? "latency:" + min.toMillis() + "ms"
                    : "latency:" + min.toMillis() + "ms.." + max.toMillis() + "ms";
        }
    }

    /** Accept the request and never answer; the connection stays open until the client gives up. */
    record Stall() implements FaultEffect {
        @Override
        public String describe() {
            return "stall";
        }
    }

    /** Reset the TCP connection (RST) without answering. */
    record Reset() implements FaultEffect {
        @Override
        public String describe() {
            return "reset";
        }
    }

    /** Answer 200 with a JSON content type and a body that is not valid JSON. */
    record MalformedBody() implements FaultEffect {
        @Override
        public String describe() {
            return "malformed";
        }
    }

    /** Send the first {@code afterEvents} server-sent events of a stream, then drop the connection. */
    record CutStream(int afterEvents) implements FaultEffect {
        public CutStream {
            if (afterEvents < 0) {
                throw new IllegalArgumentException("cut-stream needs a count >= 0, got " + afterEvents);
            }
        }

        @Override
        public String describe() {
            return "cut-stream:" + afterEvents;
        }
    }

    /**
     * Flex has no capacity: a request with {@code service_tier: "flex"} is answered {@code 429} with
     * code {@code resource_unavailable} (OpenAI's flex guide: "429 Resource Unavailable", not
     * billed); any other request is answered normally (a header asking for it on a request that is not
     * flex is {@code fault_not_applicable}).
     */
    record FlexUnavailable() implements FaultEffect {
        @Override
        public String describe() {
            return "flex-unavailable";
        }
    }

    /** Answer normally at the HTTP level, but with a model output that is wrong in the given way. */
    record BadSample(SampleDefect defect) implements FaultEffect {
        @Override
        public String describe() {
            return "bad-sample:" + defect.token();
        }
    }

    /**
     * Make a created batch end in the given way; {@code lineFailureRate} is the share of requests
     * failed by {@link BatchDefect#LINE_FAILURES} (0 otherwise).
     */
    record BatchOutcome(BatchDefect defect, double lineFailureRate) implements FaultEffect {
        /** @throws IllegalArgumentException for a rate outside [0, 1] */
        public BatchOutcome {
            if (!(lineFailureRate >= 0 && lineFailureRate <= 1)) {
                throw new IllegalArgumentException("line failure rate must be in [0, 1], got " + lineFailureRate);
            }
        }

        public BatchOutcome(BatchDefect defect) {
            this(defect, 0);
        }

        @Override
        public String describe() {
            return "batch:" + defect.token() + (defect == BatchDefect.LINE_FAILURES ? ":" + lineFailureRate : "");
        }
    }

    /** How a model output is wrong. */
    enum SampleDefect {
        /** A required property of the root object is missing. */
        MISSING_FIELD,
        /** An enum-valued property holds a value outside its enum. */
        UNKNOWN_ENUM,
        /** A property holds a value of the wrong JSON type. */
        WRONG_TYPE,
        /** The output text is not valid JSON. */
        INVALID_JSON,
        /** The model refuses: a {@code refusal} content part instead of text. */
        REFUSAL,
        /** Cut off at {@code max_output_tokens}: status {@code incomplete}, partial text. */
        INCOMPLETE;

        /** The lower-case, dash-separated name used in fault specs. */
        public String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How a batch ends. */
    enum BatchDefect {
        /** Validation fails: status {@code failed} with {@code token_limit_exceeded}. */
        FAILED,
        /** The 24 h window passes with half the requests unrun: status {@code expired}. */
        EXPIRED,
        /** Completes, with one request in five failed ({@code 500}) in the error file. */
        PARTIAL,
        /** Completes with every request failed: an error file and no output file. */
        ERROR_ONLY,
        /**
         * Completes with a seeded share of requests failed, alternately {@code 500 server_error} and
         * {@code 429 rate_limit_exceeded} (spec {@code batch:line-failures:0.05}).
         */
        LINE_FAILURES;

        /** The lower-case, dash-separated name used in fault specs. */
        public String token() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
