package org.hammer.core.snapshot;

import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;

/**
 * The SNAPSHOT and CONFIG records on a PFS root. On a master they are versioned like any file
 * change (written at a new TID through {@link Pfses#writer}). A slave is read-only to everything but
 * mirror-write, yet keeps its own snapshots and config (HAMMER.md §3.4-3.5): there they are local
 * maintenance, written without a TID of their own at the slave's sync-end-tid, so they are visible
 * in the slave's as-of view at once and survive a {@code pfs-upgrade} rollback; replacing or
 * removing one destroys its older versions instead of adding history.
 */
public final class RootRecords {

    private RootRecords() {
    }

    /** The live records of {@code type} on the root of {@code pfs}, as the PFS is read now, in key order. */
    public static List<Record> list(StoreReader r, int pfs, RecordType type) {
        long asOf = PfsTable.readTid(PfsTable.get(r, pfs));
        List<Record> out = new ArrayList<>();
        r.scan(new RecordKey(pfs, FsReader.ROOT, type, 0, 0), new RecordKey(pfs, FsReader.ROOT, type, -1L, -1L), true,
                rec -> {
                    if (rec.visibleAt(asOf)) {
                        out.add(rec);
                    }
                    return true;
                });
        return out;
    }

    /** The live record {@code (type, key)} on the root of {@code pfs}, or null. */
    public static Record find(StoreReader r, int pfs, RecordType type, long key) {
        return r.visible(pfs, FsReader.ROOT, type, key, PfsTable.readTid(PfsTable.get(r, pfs)));
    }

    /** Adds or replaces the record {@code (type, key)} on the root of {@code pfs}. */
    public static void put(Store store, int pfs, RecordType type, long key, byte[] data) {
        check(type);
        if (isSlave(store, pfs)) {
            store.apply(w -> {
                long at = slaveTid(w, pfs);
                destroyAll(w, pfs, type, key);
                w.insert(Record.live(new RecordKey(pfs, FsReader.ROOT, type, key, at), w.nowMicros(), data));
                return null;
            });
        } else {
            store.write(w -> {
                Pfses.writer(w, pfs);
                Record cur = w.visible(pfs, FsReader.ROOT, type, key, Tid.MAX);
                if (cur != null) {
                    w.setDelete(cur.key(), w.tid(), w.nowMicros());
                }
                w.insert(Record.live(new RecordKey(pfs, FsReader.ROOT, type, key, w.tid()), w.nowMicros(), data));
                return null;
            });
        }
    }

    /** Removes the record {@code (type, key)}; returns false when there was none. */
    public static boolean remove(Store store, int pfs, RecordType type, long key) {
        check(type);
        if (isSlave(store, pfs)) {
            return store.apply(w -> {
                slaveTid(w, pfs);
                boolean live = w.visible(pfs, FsReader.ROOT, type, key, PfsTable.readTid(PfsTable.get(w, pfs))) != null;
                destroyAll(w, pfs, type, key);
                return live;
            });
        }
        if (store.read(r -> r.visible(pfs, FsReader.ROOT, type, key, Tid.MAX)) == null) {
            return false;
        }
        return store.write(w -> {
            Record cur = w.visible(pfs, FsReader.ROOT, type, key, Tid.MAX);
            if (cur == null) {
                return false;
            }
            Pfses.writer(w, pfs);
            w.setDelete(cur.key(), w.tid(), w.nowMicros());
            return true;
        });
    }

    private static void check(RecordType type) {
        if (type != RecordType.SNAPSHOT && type != RecordType.CONFIG) {
            throw new IllegalArgumentException("not a PFS-root maintenance record: " + type);
        }
    }

    private static boolean isSlave(Store store, int pfs) {
        return store.read(r -> PfsTable.get(r, pfs).isSlave());
    }

    /** The slave's sync-end-tid, re-checked inside the transaction (the PFS may have been upgraded). */
    private static long slaveTid(StoreWriter w, int pfs) {
        PfsConfig c = PfsTable.get(w, pfs);
        if (!c.isSlave()) {
            throw HammerException.failure(String.format("PFS#%d: changed mode while being written; retry", pfs));
        }
        return c.syncEndTid();
    }

    private static void destroyAll(StoreWriter w, int pfs, RecordType type, long key) {
        List<RecordKey> keys = new ArrayList<>();
        w.scan(new RecordKey(pfs, FsReader.ROOT, type, key, 0), new RecordKey(pfs, FsReader.ROOT, type, key, -1L), false,
                rec -> keys.add(rec.key()));
        keys.forEach(w::destroy);
    }
}
