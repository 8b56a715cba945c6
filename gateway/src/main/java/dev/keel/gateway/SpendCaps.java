package dev.keel.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.RequestTokens;
import dev.keel.core.cost.TokenUsage;
import dev.keel.core.cost.UnknownModelPriceException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily and monthly spend caps per key, reserve-then-settle: before forwarding, the call's worst
 * case (its exact input tokens by the model's tokenizer plus its output bound, at the tier it asks
 * for) is reserved in the {@link SpendLedger} if it fits under every cap; once the answer's {@code
 * usage} is known the reservation is settled to the real cost (a failed call costs nothing; a stream
 * cut before its usage keeps the worst case). So a cap is never overshot, however many calls race.
 * Thread-safe.
 */
public final class SpendCaps {

    private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

    private final SpendLedger ledger;
    private final PriceTable prices;
    private final Clock clock;
    private final int defaultOutputTokens;

    /** A held reservation: settle it exactly once. */
    record Reservation(String keyId, List<SpendLedger.Period> periods, long nanos, long tokens) {
        static final Reservation NONE = new Reservation("", List.of(), 0, 0);
    }

    /** What a call may cost at most. */
    record WorstCase(long tokens, long nanos) {}

    public SpendCaps(SpendLedger ledger, PriceTable prices, Clock clock, int defaultOutputTokens) {
        this.ledger = ledger;
        this.prices = prices;
        this.clock = clock;
        this.defaultOutputTokens = defaultOutputTokens;
    }

    public SpendLedger ledger() {
        return ledger;
    }

    /**
     * The worst case of a generation request to {@code path} ({@code /v1/...}).
     *
     * @param priced whether to price it (only when a cap applies)
     * @throws UnknownModelPriceException when {@code priced} and the price table does not list the model
     */
    WorstCase worstCase(String path, JsonNode body, boolean priced) {
        return worstCase(path, body, priced, null);
    }

    /**
     * The worst case of a generation request, at {@code tier} (null: the tier the request asks for,
     * an unknown one priced as priority).
     */
    WorstCase worstCase(String path, JsonNode body, boolean priced, PriceTier at) {
        String model = body.path("model").asText("");
        RequestTokens t = RequestTokens.of(path, model, body, defaultOutputTokens);
        long tokens = (long) t.input() + t.outputBound();
        if (!priced) {
            return new WorstCase(tokens, 0);
        }
        PriceTier tier = at != null
                ? at
                : PriceTier.ofServiceTier(body.path("service_tier").textValue()).orElse(PriceTier.PRIORITY);
        BigDecimal usd = prices.cost(model, tier, new TokenUsage(t.input(), 0, 0, t.outputBound()));
        return new WorstCase(tokens, nanos(usd));
    }

    /** Reserves {@code worst} under the key's caps; a {@link Refusal} when it does not fit. */
    Object reserve(GatewayKey key, WorstCase worst) {
        List<SpendLedger.Period> periods = periods(key.limits());
        if (periods.isEmpty()) {
            return new Reservation(key.id(), periods, 0, worst.tokens());
        }
        if (ledger.reserve(key.id(), periods, worst.nanos())) {
            return new Reservation(key.id(), periods, worst.nanos(), worst.tokens());
        }
        ZonedDateTime now = clock.instant().atZone(ZoneOffset.UTC);
        boolean dayFull = periods.get(0).name().startsWith("day:")
                && ledger.spent(key.id(), periods.get(0).name()) + worst.nanos()
                        > periods.get(0).capNanos();
        ZonedDateTime reset = dayFull
                ? now.toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC)
                : now.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC);
        return Refusal.budget(
                "The gateway key '" + key.id() + "' has reached its " + (dayFull ? "daily" : "monthly")
                        + " spend cap of $"
                        + (dayFull ? key.limits().dailyUsd() : key.limits().monthlyUsd())
                        + ": this call may cost up to $" + usd(worst.nanos()) + " (its input plus its output bound)"
                        + " and does not fit in what is left. Lower max_output_tokens, or wait for the cap to reset at "
                        + reset + ".",
                Duration.between(now, reset));
    }

    /** Settles a reservation to what the call really cost ({@code billed}: the answer's object with model and usage). */
    void settle(Reservation r, JsonNode billed) {
        settle(r, billed, null);
    }

    /** Settles to {@code billed}'s cost at {@code tier} (null: the tier the answer says it was served at). */
    void settle(Reservation r, JsonNode billed, PriceTier tier) {
        if (r.periods().isEmpty()) {
            return;
        }
        long actual = actualNanos(billed, r.nanos(), tier);
        if (actual != r.nanos()) {
            ledger.adjust(r.keyId(), r.periods(), actual - r.nanos());
        }
    }

    /** Gives a reservation back whole: the call failed and the upstream billed nothing. */
    void release(Reservation r) {
        if (!r.periods().isEmpty() && r.nanos() > 0) {
            ledger.adjust(r.keyId(), r.periods(), -r.nanos());
        }
    }

    /** The real cost of an answer, or the reservation when it cannot be priced (kept: never under-counted). */
    private long actualNanos(JsonNode billed, long reserved, PriceTier at) {
        if (billed == null || !billed.path("usage").isObject()) {
            return reserved;
        }
        try {
            PriceTier tier = at != null
                    ? at
                    : PriceTier.ofServiceTier(billed.path("service_tier").textValue())
                            .orElse(PriceTier.PRIORITY);
            TokenUsage usage = TokenUsage.fromJson(billed.get("usage"));
            return nanos(prices.cost(billed.path("model").asText(""), tier, usage));
        } catch (UnknownModelPriceException e) {
            return reserved;
        }
    }

    /** Tokens a billed answer really used (input + output), or -1 when it does not say. */
    static long usedTokens(JsonNode billed) {
        if (billed == null || !billed.path("usage").isObject()) {
            return -1;
        }
        TokenUsage u = TokenUsage.fromJson(billed.get("usage"));
        return u.input() + u.output();
    }

    private List<SpendLedger.Period> periods(KeyLimits limits) {
        var out = new ArrayList<SpendLedger.Period>(2);
        LocalDate today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
        if (limits.dailyUsd() != null) {
            out.add(new SpendLedger.Period("day:" + today, nanos(limits.dailyUsd()), 2 * 86_400));
        }
        if (limits.monthlyUsd() != null) {
            String month = today.toString().substring(0, 7);
            out.add(new SpendLedger.Period("month:" + month, nanos(limits.monthlyUsd()), 32 * 86_400));
        }
        return out;
    }

    /** USD to nano-USD, rounded up (a cap is never passed by rounding). */
    static long nanos(BigDecimal usd) {
        return usd.multiply(NANOS).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
    }

    static BigDecimal usd(long nanos) {
        return BigDecimal.valueOf(nanos).divide(NANOS).stripTrailingZeros();
    }
}
