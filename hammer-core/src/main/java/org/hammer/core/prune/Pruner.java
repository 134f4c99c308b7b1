package org.hammer.core.prune;

import java.util.ArrayList;
import java.util.List;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreWriter;

/**
 * Physically destroys the history a {@link Retention} does not keep. It walks the change index of
 * the PFS up to the horizon (so the cost follows the history, not the PFS's size), in write
 * transactions of at most {@link #BATCH} entries, each taking no TID of its own. A master's
 * sync-beg-tid is raised past the newest delete TID destroyed: the full history from there on is
 * intact (DESIGN.md §6.5), so a slave older than that needs a reconciliation. A slave is never
 * pruned past its sync-end-tid, the TID it is seen at.
 */
public final class Pruner {
    /** Change-index entries examined per transaction. */
    public static final int BATCH = 20_000;

    private final Store store;
    private final int pfs;
    private final int batch;

    public Pruner(Store store, int pfs) {
        this(store, pfs, BATCH);
    }

    Pruner(Store store, int pfs, int batch) {
        this.store = store;
        this.pfs = pfs;
        this.batch = batch;
    }

    /** Prunes by the PFS's snapshots and prune-min as of {@code nowMicros}. */
    public PruneStats prune(long nowMicros, long deadlineNanos) {
        return run(retention(nowMicros), deadlineNanos);
    }

    /** The retention {@link #prune} uses. */
    public Retention retention(long nowMicros) {
        return store.read(r -> Retention.of(org.hammer.core.snapshot.Snapshots.list(r, pfs),
                PfsTable.get(r, pfs).pruneMinSeconds(), nowMicros));
    }

    /** Destroys every record that has a delete TID (prune-everything). */
    public PruneStats pruneEverything() {
        return run(Retention.everything(), Long.MAX_VALUE);
    }

    /**
     * Destroys what {@code retention} does not keep; stops between transactions once
     * {@link System#nanoTime} passes {@code deadlineNanos} ({@link Long#MAX_VALUE}: no limit).
     */
    public PruneStats run(Retention retention, long deadlineNanos) {
        long horizon = store.read(r -> {
            PfsConfig c = PfsTable.get(r, pfs);
            long h = retention.horizon();
            return c.isSlave() && Long.compareUnsigned(h, c.syncEndTid()) > 0 ? c.syncEndTid() : h;
        });
        Batch b = new Batch();
        boolean interrupted = false;
        while (horizon != 0 && !b.done) {
            if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
                interrupted = true;
                break;
            }
            long h = horizon;
            store.apply(w -> {
                b.next(w, retention, h);
                return null;
            });
        }
        long beg = store.read(r -> PfsTable.get(r, pfs).syncBegTid());
        return new PruneStats(b.examined, b.destroyed, b.dirEntries, b.bytes, interrupted, beg);
    }

    /** The running state of one prune across its transactions. */
    private final class Batch {
        long afterTid;
        RecordKey afterKey;
        boolean done;
        long examined;
        long destroyed;
        long dirEntries;
        long bytes;

        void next(StoreWriter w, Retention retention, long horizon) {
            List<Long> deletes = new ArrayList<>();
            List<RecordKey> keys = new ArrayList<>();
            int[] seen = {0};
            done = true;
            w.scanChanges(pfs, afterTid, afterKey, horizon, (tid, k) -> {
                if (seen[0] >= batch) {
                    done = false;
                    return false;
                }
                seen[0]++;
                afterTid = tid;
                afterKey = k;
                if (tid != k.createTid()) {
                    examined++;
                    if (retention.destroyable(k.createTid(), tid)) {
                        keys.add(k);
                        deletes.add(tid);
                    }
                }
                return true;
            });
            long maxDelete = 0;
            for (int i = 0; i < keys.size(); i++) {
                RecordKey k = keys.get(i);
                Record rec = w.get(k);
                if (rec == null || rec.deleteTid() != deletes.get(i)) {
                    continue;
                }
                w.destroy(k);
                destroyed++;
                bytes += RecordKey.BYTES + rec.valueSize();
                dirEntries += k.type() == RecordType.DIRENTRY ? 1 : 0;
                maxDelete = Long.compareUnsigned(rec.deleteTid(), maxDelete) > 0 ? rec.deleteTid() : maxDelete;
            }
            raiseSyncBeg(w, maxDelete);
        }
    }

    /** Everything older than the newest destroyed delete TID may be gone: a master's sync-beg-tid says so. */
    private void raiseSyncBeg(StoreWriter w, long maxDelete) {
        PfsConfig c = PfsTable.get(w, pfs);
        if (maxDelete != 0 && !c.isSlave() && Long.compareUnsigned(maxDelete, c.syncBegTid()) > 0) {
            PfsTable.put(w, c.withSync(maxDelete, c.syncEndTid()));
        }
    }
}
