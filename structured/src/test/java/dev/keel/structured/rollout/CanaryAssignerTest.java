package dev.keel.structured.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CanaryAssignerTest {

    private static final String SALT = "ticket/v2";

    @Test
    void share_at20Percent_over10000Keys_isWithin2Points() {
        int hits = 0;
        for (int i = 0; i < 10_000; i++) {
            hits += CanaryAssigner.inCanary(SALT, "tenant-" + i, 20) ? 1 : 0;
        }
        assertThat(hits).isBetween(1_800, 2_200);
    }

    @Test
    void assignment_isStickyPerKey_andRaisingThePercentOnlyAddsKeys() {
        for (int i = 0; i < 2_000; i++) {
            String key = "user-" + i;
            boolean at5 = CanaryAssigner.inCanary(SALT, key, 5);
            assertThat(CanaryAssigner.inCanary(SALT, key, 5)).isEqualTo(at5);
            if (at5) {
                assertThat(CanaryAssigner.inCanary(SALT, key, 20)).isTrue();
            }
        }
    }

    @Test
    void zeroAndHundredPercent_areExact() {
        for (int i = 0; i < 10_000; i++) {
            assertThat(CanaryAssigner.inCanary(SALT, "k" + i, 0)).isFalse();
            assertThat(CanaryAssigner.inCanary(SALT, "k" + i, 100)).isTrue();
        }
    }

    @Test
    void bucket_isStableAcrossRuns_andDependsOnTheSalt() {
        assertThat(CanaryAssigner.bucket(SALT, "tenant-42")).isEqualTo(CanaryAssigner.bucket(SALT, "tenant-42"));
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            differ +=
                    CanaryAssigner.bucket("ticket/v2", "k" + i) != CanaryAssigner.bucket("ticket/v3", "k" + i) ? 1 : 0;
        }
        assertThat(differ).isGreaterThan(80);
    }
}
