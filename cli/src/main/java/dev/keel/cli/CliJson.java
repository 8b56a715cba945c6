package dev.keel.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.wire.json.Json;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Locale;

/**
 * The shared vocabulary of {@code --format json} (docs/cli.md): money is USD rounded to the
 * micro-dollar in fields ending {@code _usd} or inside a {@code cost_usd} object, states are lower
 * snake case, times are ISO-8601 UTC instants, and every document is one line on stdout. Stateless.
 */
final class CliJson {

    private CliJson() {}

    /** {@code usd} rounded half-up to 6 decimal places (a micro-dollar), written as a plain decimal. */
    static BigDecimal usd(double usd) {
        return BigDecimal.valueOf(usd).setScale(6, RoundingMode.HALF_UP);
    }

    /** {@code ACTIVE}, {@code final-fail}, {@code In Progress} → {@code active}, {@code final_fail}, {@code in_progress}. */
    static String state(String state) {
        return state == null ? null : state.strip().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
    }

    /** Epoch milliseconds as an ISO-8601 UTC instant. */
    static String instant(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** Prints {@code doc} as one line and flushes. */
    static void print(PrintWriter out, JsonNode doc) {
        out.println(Json.write(doc));
        out.flush();
    }
}
