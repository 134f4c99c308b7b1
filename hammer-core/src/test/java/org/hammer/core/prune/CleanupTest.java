package org.hammer.core.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CleanupTest {
    @TempDir
    Path tmp;
    Store store;
    int pfs;
    Instant now = Instant.parse("2024-03-01T00:00:00Z");
    final List<String> out = new ArrayList<>();

    @BeforeEach
    void store() {
        store = Store.create(tmp.resolve("s"), "T", 1L << 34);
        Pfses.format(store, "T");
        pfs = Pfses.create(store, FsReader.ROOT, "test", PfsMode.MASTER, null).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    void cleanup() {
        new Cleanup(store, pfs, "/test", Clock.fixed(now, ZoneOffset.UTC), out::add).run();
    }

    List<Snapshot> snaps() {
        return store.read(r -> Snapshots.list(r, pfs));
    }

    @Test
    void theFirstCleanupLaysDownTheDefaultConfigAndSnapshots() {
        cleanup();
        String config = store.read(r -> ConfigRecord.read(r, pfs));
        assertThat(config).isEqualTo(CleanupConfig.DEFAULT_TEXT);
        assertThat(snaps()).hasSize(1);
        assertThat(out).contains("           rebalance - not applicable", "               dedup - disabled",
                "               prune - run");
        out.clear();
        now = now.plus(Duration.ofHours(1));
        cleanup();
        assertThat(snaps()).hasSize(1);
        assertThat(out).contains("           snapshots - skip", "               prune - skip");
    }

    @Test
    void snapshotsExpireAfterTheirRetention() {
        ConfigRecord.write(store, pfs, "snapshots 1d 3d\nprune 1d 5m\n");
        for (int day = 0; day < 6; day++) {
            new Churn(store, pfs, day, 4, 2000).round(5);
            cleanup();
            now = now.plus(Duration.ofDays(1));
        }
        assertThat(snaps()).hasSize(4);
    }

    @Test
    void aBadConfigIsRefusedWithItsLine() {
        assertThatThrownBy(() -> ConfigRecord.write(store, pfs, "snapshots 1d 60d\nprune 1x\n"))
                .isInstanceOf(HammerException.class).hasMessageContaining("line 2");
        assertThatThrownBy(() -> CleanupConfig.parse("frobnicate 1d")).hasMessageContaining("unknown directive");
        assertThat(CleanupConfig.defaults().directive("recopy").periodSeconds()).isEqualTo(30 * 86400);
        assertThat(CleanupConfig.defaults().directive("dedup")).isNull();
    }

    /** Periodic cleanup keeps the store from growing without bound under churn. */
    long churnWithCleanup(int cycles, int roundsPerCycle) {
        ConfigRecord.write(store, pfs, "snapshots 1h 3h\nprune 1h 5m\n");
        Churn churn = new Churn(store, pfs, 99, 20, 30_000);
        long max = 0;
        long settled = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            for (int i = 0; i < roundsPerCycle; i++) {
                churn.round(10);
            }
            cleanup();
            now = now.plus(Duration.ofHours(1));
            long used = store.usedBytes();
            max = Math.max(max, used);
            if (cycle == cycles / 4) {
                settled = used;
            }
            if (cycle % Math.max(1, cycles / 8) == 0) {
                Usage u = store.read(r -> Usage.of(r, pfs));
                System.out.printf("cycle %d: usedBytes=%d records live=%d deleted=%d bytes=%d%n", cycle, used,
                        u.liveRecords(), u.deletedRecords(), u.bytes());
            }
        }
        System.out.printf("churn %d cycles x %d rounds: usedBytes settled=%d max=%d end=%d%n", cycles, roundsPerCycle,
                settled, max, store.usedBytes());
        assertThat(max).as("used bytes stay bounded").isLessThan(settled * 2);
        long unpruned = withoutCleanup(cycles, roundsPerCycle);
        System.out.printf("same churn without cleanup: usedBytes=%d%n", unpruned);
        assertThat(unpruned).isGreaterThan(max);
        return max;
    }

    private long withoutCleanup(int cycles, int roundsPerCycle) {
        try (Store other = Store.create(tmp.resolve("unpruned"), "U", 1L << 34)) {
            Pfses.format(other, "U");
            int id = Pfses.create(other, FsReader.ROOT, "test", PfsMode.MASTER, null).id();
            Churn churn = new Churn(other, id, 99, 20, 30_000);
            for (int i = 0; i < cycles * roundsPerCycle; i++) {
                churn.round(10);
            }
            return other.usedBytes();
        }
    }

    @Test
    void periodicCleanupKeepsTheStoreBounded() {
        churnWithCleanup(24, 10);
    }

    @Test
    @Tag("slow")
    void longChurnWithPeriodicCleanupKeepsTheStoreBounded() {
        churnWithCleanup(200, 25);
    }
}
