package dev.keel.cli;

import dev.keel.core.cost.PriceTable;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --prices FILE} option of {@code keel call} and {@code keel serve} (mixed in): a price
 * file laid over the shipped table for {@code cost_usd_total}, read strictly (a named file that is
 * missing, not a regular file, not UTF-8 or not a valid table is an error before anything starts).
 */
final class PricesOption {

    @Option(
            names = "--prices",
            paramLabel = "FILE",
            description =
                    "A price file laid over the shipped table (same JSON shape: models -> {standard, batch, flex, priority}; 'keel prices --prices FILE' checks it).")
    Path prices;

    /**
     * The table to price answers with: the shipped one, or it with {@code prices.file} ({@code
     * --prices}) laid over it.
     *
     * @throws IllegalArgumentException naming where the file was set and what is wrong with it
     */
    static PriceTable table(dev.keel.config.KeelConfig cfg) {
        Path file = cfg.pricesFile();
        if (file == null) {
            return PriceTable.builtIn();
        }
        try {
            return PriceTable.load(file);
        } catch (IllegalArgumentException e) {
            var o = cfg.origin(dev.keel.config.Settings.PRICES_FILE);
            String where = o.kind() == dev.keel.config.Origin.Kind.FLAG ? o.where() : o + ": prices.file";
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
