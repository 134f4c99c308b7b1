package org.hammer.core.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hammer.core.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

class RetentionTest {
    final Retention r = new Retention(new long[] {300, 100, 200}, 300);

    @Test
    void recordsLivingWithinOneGapMayGo() {
        assertThat(r.destroyable(101, 150)).isTrue();
        assertThat(r.destroyable(5, 100)).isTrue();
        assertThat(r.destroyable(201, 300)).isTrue();
    }

    @Test
    void recordsVisibleAtARetainedTidStay() {
        assertThat(r.destroyable(100, 150)).isFalse();
        assertThat(r.destroyable(50, 101)).isFalse();
        assertThat(r.destroyable(150, 250)).isFalse();
    }

    @Test
    void liveRecordsAndRecentHistoryStay() {
        assertThat(r.destroyable(150, 0)).isFalse();
        assertThat(r.destroyable(301, 310)).isFalse();
        assertThat(r.destroyable(250, 310)).isFalse();
    }

    @Test
    void snapshotsYoungerThanPruneMinAreLeftOut() {
        List<Snapshot> s = List.of(new Snapshot(100, 0, ""), new Snapshot(200, 5_000_000, ""),
                new Snapshot(300, 9_000_000, ""));
        Retention x = Retention.of(s, 3, 10_000_000);
        assertThat(x.horizon()).isEqualTo(200);
        assertThat(x.retains(300)).isFalse();
        assertThat(Retention.skippedYoung(s, x)).isEqualTo(1);
        assertThat(Retention.of(List.of(), 0, 0).horizon()).isZero();
    }

    @Test
    void everythingDestroysAnyDeletedRecord() {
        assertThat(Retention.everything().destroyable(1, 2)).isTrue();
        assertThat(Retention.everything().destroyable(1, 0)).isFalse();
    }

    @Test
    void unsignedTidsSortAsTids() {
        Retention u = new Retention(new long[] {-2L, 5}, -2L);
        assertThat(u.tids()).containsExactly(5, -2L);
        assertThat(u.destroyable(6, -3L)).isTrue();
    }
}
