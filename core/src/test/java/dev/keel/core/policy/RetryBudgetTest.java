package dev.keel.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keel.wire.testing.FakeClock;
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
    void withdraw_busyClient_allowsTenPercentOfCalls_theFloorNotAddedOnTop() {
        var budget = new RetryBudget(RetryBudgetConfig.ofDefaults(), clock);
        for (int i = 0; i < 1000; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).isEqualTo(100);
        assertThat(budget.tryWithdraw()).isFalse();
    }

    @Test
    void withdraw_quietClient_getsTheFloorOfOneRetryASecond_twoAtOnceSoOneCallCanRetryTwice() {
        var budget = new RetryBudget(RetryBudgetConfig.ofDefaults(), clock);
        budget.deposit();
        assertThat(withdrawAll(budget)).as("1/s over the floor's 2 s").isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        assertThat(withdrawAll(budget))
                .as("one second later: the first second's retries still count")
                .isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(withdrawAll(budget)).isEqualTo(2);
    }

    @Test
    void withdraw_manyCallsFailingAtOnce_cannotSpendTenSecondsOfFloorInOneBurst() {
        var budget = new RetryBudget(RetryBudgetConfig.ofDefaults(), clock);
        for (int i = 0; i < 20; i++) {
            budget.deposit();
        }
        assertThat(withdrawAll(budget)).as("max(10 %% of 20, the floor's 2)").isEqualTo(2);
    }

    @Test
    void withdraw_totalOutageAtTenCallsASecond_costsAtMost1point1UpstreamCallsPerCall() {
        var budget = new RetryBudget(RetryBudgetConfig.ofDefaults(), clock);
        int calls = 0;
        int retries = 0;
        for (int tenth = 0; tenth < 600; tenth++) { // a minute at 10 calls/s, every call failing
            budget.deposit();
            calls++;
            retries += budget.tryWithdraw() ? 1 : 0;
            clock.advance(Duration.ofMillis(100));
        }
        // 10 % of the calls, plus at most the floor's first two retries before the share builds up
        assertThat(retries).isLessThanOrEqualTo(calls / 10 + 2);
        assertThat(retries).isGreaterThanOrEqualTo(calls / 10 - 10);
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
