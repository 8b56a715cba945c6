package dev.keel.emulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StorageBudgetTest {

    private static final long O = StorageBudget.ENTRY_OVERHEAD;
    private final List<String> evicted = new ArrayList<>();

    private void admit(StorageBudget budget, String key, long bytes) {
        budget.admit(key, bytes, () -> evicted.add(key));
    }

    @Test
    void admit_pastTheBudget_evictsOldestFirstUntilItFits() {
        var budget = new StorageBudget(3 * (100 + O));
        admit(budget, "a", 100);
        admit(budget, "b", 100);
        admit(budget, "c", 100);
        assertThat(evicted).isEmpty();
        admit(budget, "d", 150);
        assertThat(evicted).containsExactly("a", "b");
        assertThat(budget.retainedBytes()).isEqualTo(100 + 150 + 2 * O);
        assertThat(budget.evictedEntries()).isEqualTo(2);
    }

    @Test
    void admit_countsBytesNotEntries() {
        var budget = new StorageBudget(10_000 * (1 + O));
        for (int i = 0; i < 10_000; i++) {
            admit(budget, "k" + i, 1);
        }
        assertThat(evicted).isEmpty();
        admit(budget, "big", 5_000 * (1 + O));
        assertThat(evicted).hasSize(5_001).startsWith("k0", "k1");
        assertThat(budget.retainedBytes()).isLessThanOrEqualTo(budget.budgetBytes());
    }

    @Test
    void release_stopsCountingAndNeverEvictsItLater() {
        var budget = new StorageBudget(2 * (100 + O));
        admit(budget, "a", 100);
        admit(budget, "b", 100);
        budget.release("a");
        assertThat(budget.retainedBytes()).isEqualTo(100 + O);
        admit(budget, "c", 100);
        assertThat(evicted).isEmpty();
        budget.release("unknown");
        assertThat(budget.retainedBytes()).isEqualTo(2 * (100 + O));
    }

    @Test
    void admit_anEntryLargerThanTheBudget_evictsEverythingAndItself() {
        var budget = new StorageBudget(1_000);
        admit(budget, "a", 10);
        admit(budget, "huge", 5_000);
        assertThat(evicted).containsExactly("a", "huge");
        assertThat(budget.retainedBytes()).isZero();
        assertThat(budget.fits(5_000)).isFalse();
        assertThat(budget.fits(1_000 - O)).isTrue();
    }

    @Test
    void admit_theSameKeyAgain_replacesItsCount() {
        var budget = new StorageBudget(10_000);
        admit(budget, "a", 100);
        admit(budget, "a", 300);
        assertThat(budget.retainedBytes()).isEqualTo(300 + O);
    }

    @Test
    void constructor_nonPositiveBudget_isRefused() {
        assertThatThrownBy(() -> new StorageBudget(0)).hasMessageContaining("at least 1 byte, got 0");
    }
}
