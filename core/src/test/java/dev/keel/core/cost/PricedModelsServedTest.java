package dev.keel.core.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.emulator.Models;
import org.junit.jupiter.api.Test;

/**
 * The emulator keeps its own model list (it depends on keel-wire, not on core), so this checks the two
 * agree: every model keel prices is one the emulator serves by default, as it was when the emulator
 * read the price table.
 */
class PricedModelsServedTest {

    @Test
    void builtInPriceTable_everyModel_isKnownToTheEmulatorByDefault() {
        Models served = Models.ofDefaults();

        assertThat(PriceTable.builtIn().models())
                .isNotEmpty()
                .allSatisfy(model -> assertThat(served.knows(model))
                        .as("the emulator serves %s", model)
                        .isTrue());
    }
}
