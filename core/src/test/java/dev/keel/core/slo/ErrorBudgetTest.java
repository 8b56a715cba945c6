package dev.keel.core.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.keel.core.slo.ErrorBudget.Window;
import dev.keel.wire.testing.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorBudgetTest {

    private final FakeClock clock = new FakeClock();
    private final ErrorBudget budget = new ErrorBudget(SloConfig.ofDefaults(), clock);

    private void record(int calls, int failures) {
        for (int i = 0; i < calls; i++) {
            budget.record(i < failures);
        }
    }

    @Test
    void burnRate_isErrorRateOverAllowedErrorRate() {
        record(1000, 5); // 0.5 % errors against a 0.5 % allowance
        assertThat(budget.burnRate(Window.M5)).isCloseTo(1.0, within(1e-9));
        assertThat(budget.status().budgetRemaining()).isCloseTo(0.0, within(1e-9));
    }

    @Test
    void noCalls_burnNothing() {
        assertThat(budget.status().burnRates()).containsValues(0.0, 0.0, 0.0, 0.0);
        assertThat(budget.status().budgetRemaining()).isEqualTo(1.0);
        assertThat(budget.status().page()).isFalse();
    }

    @Test
    void page_whenOneHourAndFiveMinutesBothBurnAbove14_4() {
        record(1000, 80); // 8 % errors = burn 16
        ErrorBudget.Status s = budget.status();
        assertThat(s.burnRates().get(Window.H1)).isCloseTo(16.0, within(1e-9));
        assertThat(s.page()).isTrue();
        assertThat(s.ticket()).isTrue();
    }

    @Test
    void page_stopsWhenTheFiveMinuteWindowRecovers_evenIfTheHourStillBurns() {
        record(1000, 100); // burn 20
        clock.advance(Duration.ofMinutes(6));
        record(1000, 0);
        ErrorBudget.Status s = budget.status();
        assertThat(s.burnRates().get(Window.M5)).isZero();
        assertThat(s.burnRates().get(Window.H1)).isCloseTo(10.0, within(1e-9));
        assertThat(s.page()).isFalse();
        assertThat(s.ticket())
                .as("30 m and 6 h both still hold the burst: burn 10 > 6")
                .isTrue();
    }

    @Test
    void ticket_whenSixHoursAndThirtyMinutesBothBurnAbove6() {
        record(1000, 35); // burn 7: above 6, below 14.4
        ErrorBudget.Status s = budget.status();
        assertThat(s.ticket()).isTrue();
        assertThat(s.page()).isFalse();
    }

    @Test
    void windows_forgetCallsOlderThanThemselves() {
        record(100, 100);
        clock.advance(Duration.ofMinutes(31));
        assertThat(budget.burnRate(Window.M5)).isZero();
        assertThat(budget.burnRate(Window.M30)).isZero();
        assertThat(budget.burnRate(Window.H1)).isCloseTo(200.0, within(1e-9));
        clock.advance(Duration.ofHours(6));
        assertThat(budget.burnRate(Window.H6)).isZero();
    }
}
