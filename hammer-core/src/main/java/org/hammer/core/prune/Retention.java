package org.hammer.core.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.tid.Tid;

/**
 * What pruning keeps: every state at a retained TID, and the full history after the horizon.
 * A deleted record may be destroyed only when no retained TID lies in {@code [create, delete)} and
 * it was deleted at or before the horizon, i.e. its create and delete TIDs fall in the same gap
 * between snapshots (HAMMER.md §3.5). Live records are never destroyed.
 *
 * @param tids the retained TIDs, ascending (unsigned)
 * @param horizon history after this TID is kept in full; 0 keeps everything
 */
public record Retention(long[] tids, long horizon) {

    public Retention {
        tids = tids.clone();
        for (int i = 0; i < tids.length; i++) {
            tids[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(tids);
        for (int i = 0; i < tids.length; i++) {
            tids[i] ^= Long.MIN_VALUE;
        }
    }

    /**
     * The retention of a PFS from its snapshots: those younger than {@code pruneMinSeconds} are
     * left out, so the history since the newest older snapshot is kept in full; with no snapshot
     * older than that nothing can be pruned.
     */
    public static Retention of(List<Snapshot> snapshots, int pruneMinSeconds, long nowMicros) {
        long cutoff = nowMicros - pruneMinSeconds * 1_000_000L;
        List<Long> kept = new ArrayList<>();
        for (Snapshot s : snapshots) {
            if (pruneMinSeconds <= 0 || s.tsMicros() <= cutoff) {
                kept.add(s.tid());
            }
        }
        long[] tids = kept.stream().mapToLong(Long::longValue).distinct().toArray();
        long horizon = 0;
        for (long t : tids) {
            horizon = Long.compareUnsigned(t, horizon) > 0 ? t : horizon;
        }
        return new Retention(tids, horizon);
    }

    /** prune-everything: no retained TID, no horizon: every deleted record may go. */
    public static Retention everything() {
        return new Retention(new long[0], Tid.MAX);
    }

    /** Snapshots younger than prune-min that {@link #of} left out. */
    public static int skippedYoung(List<Snapshot> snapshots, Retention r) {
        int n = 0;
        for (Snapshot s : snapshots) {
            if (!r.retains(s.tid())) {
                n++;
            }
        }
        return n;
    }

    public boolean retains(long tid) {
        return Arrays.stream(tids).anyMatch(t -> t == tid);
    }

    /** True when a record created at {@code create} and deleted at {@code delete} may be destroyed. */
    public boolean destroyable(long create, long delete) {
        if (delete == 0 || horizon == 0 || Long.compareUnsigned(delete, horizon) > 0) {
            return false;
        }
        int i = firstAtOrAfter(create);
        return i == tids.length || Long.compareUnsigned(tids[i], delete) >= 0;
    }

    private int firstAtOrAfter(long tid) {
        int lo = 0;
        int hi = tids.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(tids[mid], tid) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The gaps whose history is reduced to their end state, as {@code {beg, end}} pairs, oldest first. */
    public List<long[]> gaps() {
        List<long[]> out = new ArrayList<>();
        long beg = 1;
        for (long t : tids) {
            out.add(new long[] {beg, t});
            beg = t;
        }
        if (tids.length == 0 && horizon != 0) {
            out.add(new long[] {1, horizon});
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Retention r && r.horizon == horizon && Arrays.equals(r.tids, tids);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(tids) * 31 + Long.hashCode(horizon);
    }

    @Override
    public String toString() {
        return "Retention" + Arrays.stream(tids).mapToObj(Tid::format).toList() + " horizon=" + Tid.format(horizon);
    }
}
