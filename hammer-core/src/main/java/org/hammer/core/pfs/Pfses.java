package org.hammer.core.pfs;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.Orphans;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;

/** PFS life cycle: format, create, upgrade, downgrade, destroy, and the gate to writing one. */
public final class Pfses {
    private static final int DESTROY_BATCH = 20_000;

    private Pfses() {
    }

    /** The symlink text pfs-master and pfs-slave store: {@code @@PFS%05d} (10 characters). */
    public static String linkText(int id) {
        return AsOfName.storedLink(id);
    }

    /** Lays down PFS #0 of a new store: a master with a root directory. */
    public static void format(Store store, String label) {
        store.write(w -> {
            PfsConfig c = new PfsConfig(0, PfsMode.MASTER, Tid.INITIAL_SYNC, Tid.INITIAL_SYNC, UUID.randomUUID(),
                    UUID.randomUUID(), label, null, 0, null, List.of());
            PfsTable.put(w, c);
            writer(w, 0).makeRoot(0755, 0, 0);
            return null;
        });
    }

    /**
     * Opens PFS {@code id} for writing in this transaction: refuses a slave, and records in the
     * lineage that this master produced the transaction's TID.
     */
    public static FsWriter writer(StoreWriter w, int id) {
        PfsConfig c = PfsTable.get(w, id);
        if (c.isSlave()) {
            throw new FsException(Errno.EROFS, String.format("PFS#%d is a slave: read-only", id));
        }
        List<LineageSegment> l = new ArrayList<>(c.lineage());
        long tid = w.tid();
        LineageSegment last = l.isEmpty() ? null : l.get(l.size() - 1);
        if (last != null && last.producer().equals(c.uniqueUuid())) {
            if (last.last() != tid) {
                l.set(l.size() - 1, new LineageSegment(last.producer(), last.first(), tid));
                PfsTable.put(w, c.withLineage(l));
            }
        } else {
            l.add(new LineageSegment(c.uniqueUuid(), tid, tid));
            PfsTable.put(w, c.withLineage(l));
        }
        return new FsWriter(w, id);
    }

    /** A read view of PFS {@code id} as of its default TID (now for a master, sync-end-tid for a slave). */
    public static FsReader reader(StoreReader r, int id) {
        return new FsReader(r, id, PfsTable.readTid(PfsTable.get(r, id)));
    }

    /**
     * Refuses (USAGE) a PFS link name that paths could not reach: one with {@code @@}, which
     * paths read as a TID ({@link AsOfName}), or with {@code /}, or {@code .} or {@code ..}.
     */
    public static void checkName(String name) {
        String why = name.contains("@@") ? "@@ in a name is read as a TID (name@@0x<tid>)"
                : name.indexOf('/') >= 0 ? "a name cannot contain /"
                : name.isEmpty() || name.equals(".") || name.equals("..") ? "not a name" : null;
        if (why != null) {
            throw HammerException.usage("invalid PFS name '" + name + "': " + why);
        }
    }

    /** Creates a master or slave PFS and its {@code @@PFS%05d} link at {@code dir/name} in PFS #0. */
    public static PfsConfig create(Store store, long dirIno, String name, PfsMode mode, UUID sharedUuid) {
        checkName(name);
        return store.write(w -> {
            FsWriter root = writer(w, 0);
            if (root.find(dirIno, name) != 0) {
                throw HammerException.refused(name + ": file exists");
            }
            int id = PfsTable.freeId(w);
            PfsConfig c = new PfsConfig(id, mode, Tid.INITIAL_SYNC, Tid.INITIAL_SYNC,
                    sharedUuid == null ? UUID.randomUUID() : sharedUuid, UUID.randomUUID(), "", null, 0, null,
                    List.of());
            PfsTable.put(w, c);
            if (mode == PfsMode.MASTER) {
                writer(w, id).makeRoot(0755, 0, 0);
            }
            root.symlink(dirIno, name, linkText(id), 0, 0);
            return PfsTable.get(w, id);
        });
    }

    /** Rolls a slave back to its sync-end-tid and makes it a master (HAMMER.md §2.4). */
    public static PfsConfig upgrade(Store store, int id) {
        if (id == 0) {
            throw HammerException.refused("You cannot upgrade PFS#0 (It should already be a master)");
        }
        return store.apply(w -> {
            PfsConfig c = PfsTable.get(w, id);
            if (!c.isSlave()) {
                throw HammerException.refused(String.format("PFS#%d: It is already a master", id));
            }
            rollback(w, id, c.syncEndTid());
            List<LineageSegment> l = clip(c.lineage(), c.syncEndTid());
            PfsConfig m = c.withMode(PfsMode.MASTER).withCursor(null).withLineage(l);
            PfsTable.put(w, m);
            return m;
        });
    }

    /** Freezes a master as a slave at the newest TID it holds. */
    public static PfsConfig downgrade(Store store, int id) {
        if (id == 0) {
            throw HammerException.refused("You cannot downgrade PFS#0");
        }
        return store.apply(w -> {
            PfsConfig c = PfsTable.get(w, id);
            if (c.isSlave()) {
                throw HammerException.refused(String.format("PFS#%d: It is already a slave", id));
            }
            long end = c.syncEndTid();
            for (LineageSegment s : c.lineage()) {
                end = Math.max(end, s.last());
            }
            PfsConfig s = c.withMode(PfsMode.SLAVE).withSync(c.syncBegTid(), end).withCursor(null);
            PfsTable.put(w, s);
            return s;
        });
    }

    /** Lineage segments up to {@code tid}, the later ones cut off. */
    public static List<LineageSegment> clip(List<LineageSegment> lineage, long tid) {
        List<LineageSegment> out = new ArrayList<>();
        for (LineageSegment s : lineage) {
            if (Long.compareUnsigned(s.first(), tid) > 0) {
                break;
            }
            out.add(Long.compareUnsigned(s.last(), tid) > 0 ? new LineageSegment(s.producer(), s.first(), tid) : s);
        }
        return out;
    }

    /** Destroys records created after {@code tid} and undeletes those deleted after it. */
    static void rollback(StoreWriter w, int id, long tid) {
        List<RecordKey> created = new ArrayList<>();
        List<RecordKey> deleted = new ArrayList<>();
        w.scanChanges(id, tid, null, Tid.MAX, (t, k) -> {
            (t == k.createTid() ? created : deleted).add(k);
            return true;
        });
        for (RecordKey k : deleted) {
            if (Long.compareUnsigned(k.createTid(), tid) <= 0 && w.get(k) != null) {
                w.setDelete(k, 0, 0);
            }
        }
        for (RecordKey k : created) {
            w.destroy(k);
        }
    }

    /** Removes every record of PFS {@code id}, its PFS record and its link {@code dir/name} in PFS #0. */
    public static void destroy(Store store, int id, long linkDir, String linkName) {
        if (id == 0) {
            throw HammerException.refused("You cannot destroy PFS#0");
        }
        store.read(r -> PfsTable.get(r, id));
        boolean more = true;
        while (more) {
            more = store.apply(w -> {
                List<RecordKey> batch = new ArrayList<>();
                w.scan(new RecordKey(id, 0, RecordType.INODE, 0, 0),
                        new RecordKey(id, -1L, RecordType.CONFIG, -1L, -1L), false, rec -> {
                            batch.add(rec.key());
                            return batch.size() < DESTROY_BATCH;
                        });
                batch.forEach(w::destroy);
                return batch.size() == DESTROY_BATCH;
            });
        }
        store.write(w -> {
            PfsTable.remove(w, id);
            List<String> data = new ArrayList<>();
            w.scanMeta(PfsTable.dataPrefix(id), (k, v) -> data.add(k));
            data.forEach(w::deleteMeta);
            Orphans.forget(w, id);
            FsWriter root = writer(w, 0);
            if (linkName != null && root.find(linkDir, linkName) != 0) {
                root.unlink(linkDir, linkName);
            }
            return null;
        });
    }
}
