package dev.keel.realtime.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SummaryBufferTest {

    @Test
    void render_keepsOnlyTheLastTurnsWithinTheCaps() {
        var s = new SummaryBuffer(2, 1_000);
        s.add("user", "one");
        s.add("assistant", "two");
        s.add("user", "three");
        assertThat(s.render()).doesNotContain("one").contains("assistant: two\nuser: three");
        assertThat(s.size()).isEqualTo(2);
    }

    @Test
    void render_overTheCharacterCap_dropsTheOldestFirst() {
        var s = new SummaryBuffer(10, 30);
        s.add("assistant", "a".repeat(20));
        s.add("assistant", "newest");
        assertThat(s.render()).contains("assistant: newest").doesNotContain("aaaa");
    }

    @Test
    void render_empty_isEmpty() {
        assertThat(new SummaryBuffer(3, 100).render()).isEmpty();
    }
}
