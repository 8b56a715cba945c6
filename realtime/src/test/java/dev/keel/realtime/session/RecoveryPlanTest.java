package dev.keel.realtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecoveryPlanTest {

    @Test
    void forReason_transportBlips_rebuildKeepTheTokenAndReplayTheSummary() {
        assertThat(RecoveryPlan.forReason("ice_failed")).isEqualTo(new RecoveryPlan(true, false, true));
        assertThat(RecoveryPlan.forReason("network_switch")).isEqualTo(new RecoveryPlan(true, false, true));
    }

    @Test
    void forReason_sessionFailures_rebuildReissueAndReplay() {
        assertThat(RecoveryPlan.forReason("token_expired")).isEqualTo(new RecoveryPlan(true, true, true));
        assertThat(RecoveryPlan.forReason("auth_failed")).isEqualTo(new RecoveryPlan(true, true, true));
    }

    @Test
    void forReason_anythingElse_rebuildsAndReissuesWithoutSummary() {
        for (String r : new String[] {"event_order_broken", "", null, "ICE_FAILED"}) {
            assertThat(RecoveryPlan.forReason(r)).as(r).isEqualTo(new RecoveryPlan(true, true, false));
        }
    }
}
