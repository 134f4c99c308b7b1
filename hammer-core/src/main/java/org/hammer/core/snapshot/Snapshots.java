package org.hammer.core.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordType;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/** Taking, listing and removing the snapshots of a PFS (HAMMER.md §3.4). */
public final class Snapshots {

    private Snapshots() {
    }

    /** The snapshots of {@code pfs}, oldest first. */
    public static List<Snapshot> list(StoreReader r, int pfs) {
        List<Snapshot> out = new ArrayList<>();
        for (Record rec : RootRecords.list(r, pfs, RecordType.SNAPSHOT)) {
            out.add(Snapshot.decode(rec.data()));
        }
        out.sort((a, b) -> Long.compareUnsigned(a.tid(), b.tid()));
        return out;
    }

    /** The snapshot at {@code tid}, or null. */
    public static Snapshot find(StoreReader r, int pfs, long tid) {
        Record rec = RootRecords.find(r, pfs, RecordType.SNAPSHOT, tid);
        return rec == null ? null : Snapshot.decode(rec.data());
    }

    /**
     * Takes a snapshot of {@code pfs}: makes every commit durable, then records the newest
     * committed TID (a master's) or the sync-end-tid (a slave's, which is what it shows) as a
     * SNAPSHOT record. Taking one at a TID that already has one returns the existing snapshot.
     */
    public static Snapshot take(Store store, int pfs, String note, long tsMicros) {
        store.sync();
        long tid = store.read(r -> {
            PfsConfig c = PfsTable.get(r, pfs);
            if (c.isSlave() && Long.compareUnsigned(c.syncEndTid(), Tid.FIRST) < 0) {
                throw HammerException.refused(String.format("PFS#%d: slave has received nothing yet", pfs));
            }
            return PfsTable.syncEndTid(r, c);
        });
        Snapshot existing = store.read(r -> find(r, pfs, tid));
        if (existing != null) {
            return existing;
        }
        Snapshot s = new Snapshot(tid, tsMicros, note);
        RootRecords.put(store, pfs, RecordType.SNAPSHOT, tid, s.encode());
        return s;
    }

    /** Takes a snapshot stamped with the current time. */
    public static Snapshot take(Store store, int pfs, String note) {
        java.time.Instant now = java.time.Instant.now();
        return take(store, pfs, note, now.getEpochSecond() * 1_000_000L + now.getNano() / 1000);
    }

    /** Removes the snapshot at {@code tid}; returns false when there was none. */
    public static boolean remove(Store store, int pfs, long tid) {
        return RootRecords.remove(store, pfs, RecordType.SNAPSHOT, tid);
    }
}
