package org.hammer.core.prune;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * A master PFS "test" churned in rounds under /a and /b:
 *
 *   round:     0 .. 9 | 10 .. 19 | 20 .. 29 | 30 .. 39
 *   snapshot:        S1         S2         S3           (then churn to "now")
 */
class PrunerTest {
    static final long HOUR = 3_600_000_000L;

    @TempDir
    Path tmp;
    Store store;
    int pfs;
    long now = 1_700_000_000_000_000L;
    final Map<Long, Map<String, String>> byRound = new LinkedHashMap<>();
    final List<Snapshot> snaps = new ArrayList<>();

    @BeforeEach
    void store() {
        store = Store.create(tmp.resolve("s"), "T", 1L << 32);
        Pfses.format(store, "T");
        pfs = Pfses.create(store, FsReader.ROOT, "test", PfsMode.MASTER, null).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    Map<String, String> tree(long tid) {
        return store.read(r -> Churn.tree(new FsReader(r, pfs, tid)));
    }

    /** Churns 40 rounds with a snapshot after every 10th, each stamped one hour after the previous. */
    void churnWithSnapshots(int snapshots) {
        Churn c = new Churn(store, pfs, 42, 12, 20_000);
        for (int round = 0; round < 10 * snapshots + 10; round++) {
            long tid = c.round(6);
            byRound.put(tid, tree(tid));
            if (round % 10 == 9 && round < 10 * snapshots) {
                snaps.add(Snapshots.take(store, pfs, "round " + round, now - (snapshots - round / 10) * HOUR));
            }
        }
    }

    @Test
    void everySnapshotReadsBackExactlyAsItWas() {
        churnWithSnapshots(3);
        assertThat(snaps).hasSize(3);
        for (Snapshot s : snaps) {
            assertThat(byRound).containsKey(s.tid());
            assertThat(tree(s.tid())).isEqualTo(byRound.get(s.tid()));
        }
        List<Snapshot> listed = store.read(r -> Snapshots.list(r, pfs));
        assertThat(listed).containsExactlyElementsOf(snaps);
    }

    @Test
    void pruneKeepsSnapshotsAndRecentHistoryAndDestroysTheRest() {
        churnWithSnapshots(3);
        long horizon = snaps.get(2).tid();
        Usage before = store.read(r -> Usage.of(r, pfs));

        PruneStats s = new Pruner(store, pfs).prune(now, Long.MAX_VALUE);

        Usage after = store.read(r -> Usage.of(r, pfs));
        System.out.printf("prune: %s; deleted records %d -> %d, bytes %d -> %d%n", s.summary(),
                before.deletedRecords(), after.deletedRecords(), before.bytes(), after.bytes());
        assertThat(s.destroyed()).isPositive();
        assertThat(after.deletedRecords()).isEqualTo(before.deletedRecords() - s.destroyed());
        assertThat(after.liveRecords()).isEqualTo(before.liveRecords());
        int differ = 0;
        for (Map.Entry<Long, Map<String, String>> e : byRound.entrySet()) {
            long tid = e.getKey();
            if (snaps.stream().anyMatch(x -> x.tid() == tid) || Long.compareUnsigned(tid, horizon) >= 0) {
                assertThat(tree(tid)).as("retained state at %s", Tid.format(tid)).isEqualTo(e.getValue());
            } else if (!gapState(tid).equals(e.getValue())) {
                differ++;
            }
        }
        assertThat(differ).as("states in pruned gaps that changed").isPositive();
        Retention r = new Pruner(store, pfs).retention(now);
        store.read(x -> {
            x.scan(new RecordKey(pfs, 0, RecordType.INODE, 0, 0), new RecordKey(pfs, -1L, RecordType.CONFIG, -1L, -1L),
                    false, rec -> {
                        assertThat(r.destroyable(rec.key().createTid(), rec.deleteTid())).as("%s", rec).isFalse();
                        return true;
                    });
            return null;
        });
        long beg = store.read(x -> PfsTable.get(x, pfs).syncBegTid());
        assertThat(Long.compareUnsigned(beg, Tid.FIRST)).isPositive();
        assertThat(Long.compareUnsigned(beg, horizon)).isLessThanOrEqualTo(0);
        assertThat(s.syncBegTid()).isEqualTo(beg);
    }

    /** A state inside a pruned gap, which may be partial (an entry whose object is gone). */
    Map<String, String> gapState(long tid) {
        try {
            return tree(tid);
        } catch (org.hammer.core.fs.FsException e) {
            return Map.of("error", e.getMessage());
        }
    }

    @Test
    void pruneMinKeepsFullHistoryOfRecentSnapshots() {
        churnWithSnapshots(3);
        store.apply(w -> {
            PfsTable.put(w, PfsTable.get(w, pfs).withPruneMin(90 * 60));
            return null;
        });
        Pruner p = new Pruner(store, pfs);
        Retention r = p.retention(now);
        assertThat(r.horizon()).isEqualTo(snaps.get(1).tid());
        assertThat(Retention.skippedYoung(snaps, r)).isEqualTo(1);

        p.prune(now, Long.MAX_VALUE);

        byRound.forEach((tid, expected) -> {
            if (Long.compareUnsigned(tid, snaps.get(1).tid()) >= 0) {
                assertThat(tree(tid)).as("state at %s", Tid.format(tid)).isEqualTo(expected);
            }
        });
        assertThat(tree(snaps.get(0).tid())).isEqualTo(byRound.get(snaps.get(0).tid()));
    }

    @Test
    void noSnapshotsMeansNothingToPrune() {
        new Churn(store, pfs, 7, 5, 5000).round(30);
        PruneStats s = new Pruner(store, pfs).prune(now, Long.MAX_VALUE);
        assertThat(s.destroyed()).isZero();
    }

    @Test
    void pruneEverythingLeavesOnlyTheCurrentState() {
        churnWithSnapshots(1);
        long last = byRound.keySet().stream().reduce((a, b) -> b).orElseThrow();
        PruneStats s = new Pruner(store, pfs, 50).pruneEverything();
        assertThat(s.destroyed()).isPositive();
        assertThat(store.read(r -> Usage.of(r, pfs)).deletedRecords()).isZero();
        assertThat(tree(Tid.MAX)).isEqualTo(byRound.get(last));
    }

    @Test
    void smallBatchesPruneTheSameAsOne() {
        churnWithSnapshots(2);
        PruneStats s = new Pruner(store, pfs, 7).prune(now, Long.MAX_VALUE);
        assertThat(s.destroyed()).isPositive();
        for (Snapshot x : snaps) {
            assertThat(tree(x.tid())).isEqualTo(byRound.get(x.tid()));
        }
        assertThat(new Pruner(store, pfs).prune(now, Long.MAX_VALUE).destroyed()).isZero();
    }
}
