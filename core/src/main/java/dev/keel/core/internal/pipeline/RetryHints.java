package dev.keel.core.internal.pipeline;

import dev.keel.core.http.HttpResult;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads the upstream's retry hints from an answer: {@code retry-after-ms} (milliseconds, wins),
 * {@code Retry-After} (seconds, possibly fractional, or an HTTP date), and {@code x-should-retry}
 * ({@code true}/{@code false}). Unparseable values are ignored. Stateless; the wall clock a date is measured from is passed in.
 */
final class RetryHints {

    private RetryHints() {}

    /** The wait the answer asks for; an HTTP-date {@code Retry-After} is measured from {@code clock}'s now. */
    static Duration retryAfter(HttpResult r, InstantSource clock) {
        Duration ms = parseMillis(r.header("retry-after-ms"));
        return ms != null ? ms : parseRetryAfter(r.header("retry-after"), clock.instant());
    }

    static Boolean shouldRetry(HttpResult r) {
        String v = r.header("x-should-retry");
        return "true".equalsIgnoreCase(v) ? Boolean.TRUE : "false".equalsIgnoreCase(v) ? Boolean.FALSE : null;
    }

    static Duration parseMillis(String v) {
        try {
            return v == null ? null : nonNegative(Duration.ofNanos(Math.round(Double.parseDouble(v.strip()) * 1e6)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Seconds ({@code 2}, {@code 1.5}) or an HTTP date, relative to {@code now}. */
    static Duration parseRetryAfter(String v, Instant now) {
        if (v == null) {
            return null;
        }
        try {
            return nonNegative(Duration.ofNanos(Math.round(Double.parseDouble(v.strip()) * 1e9)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v.strip(), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
                return nonNegative(Duration.between(now, at));
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }
}
