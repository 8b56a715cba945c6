package dev.keel.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keel.core.cost.ModelPrice;
import dev.keel.core.cost.PriceTable;
import dev.keel.core.cost.PriceTier;
import dev.keel.core.cost.Rates;
import dev.keel.wire.json.Json;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code keel prices}: the price table keel charges with, checked as it is loaded. */
@Command(
        name = "prices",
        mixinStandardHelpOptions = true,
        description = {
            "List the price table keel prices calls with, per model and tier (USD per 1M tokens).",
            "With --prices FILE the file is checked and laid over the shipped table, as call, serve and batch"
                    + " would use it: an unknown key, a rate that is not a finite number or a missing rate exits 2"
                    + " with the file and line. A tier a model has no rate for is not listed; pricing it is refused, as"
                    + " are cache writes where CACHE_WRITE says none."
        })
final class PricesCommand extends CliCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Mixin
    PricesOption prices;

    @Mixin
    FormatOption format;

    @Override
    public Integer call() {
        var cfg = config.load(env);
        PriceTable table = PricesOption.table(cfg);
        java.nio.file.Path file = cfg.pricesFile();
        var out = out();
        if (format.json()) {
            ObjectNode doc = Json.object().put("as_of", table.asOf());
            doc.put("source", file == null ? "shipped" : file.toString());
            var models = doc.putObject("models");
            for (String model : new TreeSet<>(table.models())) {
                ModelPrice p = table.require(model);
                var m = models.putObject(model);
                tiers(m.putObject("tiers"), p.tiers());
                if (!p.fineTuned().isEmpty()) {
                    tiers(m.putObject("fine_tuned"), p.fineTuned());
                }
            }
            CliJson.print(out, doc);
            return ExitCodes.OK;
        }
        out.printf(
                Locale.ROOT,
                "prices as of %s (%s), USD per 1M tokens%n",
                table.asOf(),
                file == null ? "shipped table" : "shipped table with " + file + " laid over it");
        out.printf(
                Locale.ROOT,
                "%-26s %-9s %10s %12s %12s %10s%n",
                "MODEL",
                "TIER",
                "INPUT",
                "CACHED_IN",
                "CACHE_WRITE",
                "OUTPUT");
        for (String model : new TreeSet<>(table.models())) {
            ModelPrice p = table.require(model);
            rows(out, model, p.tiers());
            rows(out, "ft:" + model, p.fineTuned());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void rows(java.io.PrintWriter out, String model, Map<PriceTier, Rates> tiers) {
        for (PriceTier tier : PriceTier.values()) {
            Rates r = tiers.get(tier);
            if (r != null) {
                out.printf(
                        Locale.ROOT,
                        "%-26s %-9s %10s %12s %12s %10s%n",
                        model,
                        tier.name().toLowerCase(Locale.ROOT),
                        plain(r.input()),
                        plain(r.cachedInput()),
                        cacheWrite(r),
                        plain(r.output()));
            }
        }
    }

    private static void tiers(ObjectNode into, Map<PriceTier, Rates> tiers) {
        for (PriceTier tier : PriceTier.values()) {
            Rates r = tiers.get(tier);
            if (r != null) {
                var t = into.putObject(tier.name().toLowerCase(Locale.ROOT))
                        .put("input", r.input())
                        .put("cached_input", r.cachedInput());
                BigDecimal w = r.cacheWriteRate().orElse(null);
                if (w == null) {
                    t.putNull("cache_write");
                } else if (w.signum() == 0) {
                    t.put("cache_write", PriceTable.NOT_BILLED);
                } else {
                    t.put("cache_write", w);
                }
                t.put("output", r.output());
            }
        }
    }

    /** {@code not_billed} (zero), {@code none} (no rate: a usage with cache writes is refused), or the rate. */
    private static String cacheWrite(Rates r) {
        BigDecimal w = r.cacheWriteRate().orElse(null);
        return w == null ? "none" : w.signum() == 0 ? PriceTable.NOT_BILLED : plain(w);
    }

    private static String plain(BigDecimal d) {
        return d.stripTrailingZeros().toPlainString();
    }
}
