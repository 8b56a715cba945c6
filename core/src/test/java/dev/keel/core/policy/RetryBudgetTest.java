package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.core.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final FakeClock clock = new FakeClock();

    private static int withdrawAll(RetryBudget budget) {
        int n = 0;
        while (budget.tryWithdraw()) {
            n++;
        }
        return n;
    }

    @Test
    void withdraw_allowsTenPercentOfCallsPlusTheFloor() {
        var budget = new RetryBudget(RetryBudgetConfig.ofDefaults(), clock);
        for (int i = 0; i < 1000; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(100 + 1 * 10);
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void withdraw_noFloor_noCalls_allowsNothing() {
        var budget = new RetryBudget(new RetryBudgetConfig(Duration.ofSeconds(10), 0.1, 0), clock);
        assertThat(budget.tryWithdraw()).isFalse();
        for (int i = 0; i < 20; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(2);
    }

    @Test
    void window_forgetsCallsAndRetriesOlderThanTheTtl() {
        var budget = new RetryBudget(new RetryBudgetConfig(Duration.ofSeconds(10), 0.1, 0), clock);
        for (int i = 0; i < 100; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(10);
        clock.advance(Duration.ofSeconds(11));
        assertThat(budget.available()).isZero();
        budget.deposit();
        assertThat(budget.available()).isCloseTo(0.1, org.assertj.core.api.Assertions.within(1e-9));
    }
}
