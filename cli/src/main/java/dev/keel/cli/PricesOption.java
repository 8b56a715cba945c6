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

    /** The table to price answers with: the shipped one, or it with {@code --prices} laid over it. */
    PriceTable table() {
        if (prices == null) {
            return PriceTable.builtIn();
        }
        try {
            return PriceTable.load(prices);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--prices: " + e.getMessage(), e);
        }
    }
}
