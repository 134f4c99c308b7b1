package org.hammer.core.scrub;

import java.util.List;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.btree.CorruptRecordException;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Blocks;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.ResumeCursor;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * The checks of one PFS that only the PFS level can make: its sync TIDs, lineage and resume
 * cursor agree with each other and with the store's newest TID, and no record of it carries a
 * newer TID than the store's (found in the change index, which the store check proves complete:
 * every TID of a record has its change entry).
 */
final class PfsChecks {
    private final StoreReader r;
    private final PfsConfig c;
    /** The store's newest TID, or 0 when its counter is unreadable (the store check reports that). */
    private final long newest;
    private final Consumer<Finding> report;

    private PfsChecks(StoreReader r, PfsConfig c, long newest, Consumer<Finding> report) {
        this.r = r;
        this.c = c;
        this.newest = newest;
        this.report = report;
    }

    /** Runs every check of {@code c}; {@code path} names the records found newer than the store. */
    static void check(StoreReader r, PfsConfig c, long newest, PathNames names, Consumer<Finding> report) {
        PfsChecks checks = new PfsChecks(r, c, newest, report);
        long end = checks.syncEnd();
        if (end != 0) {
            checks.syncTids(end);
            checks.lineage(end);
            checks.blockCounts(end, names);
        }
        checks.cursor();
        if (newest != 0) {
            checks.newerThanStore(names);
        }
    }

    /** A slave's sync-end-tid; a master's is the store's newest TID (0: unknown). */
    private long syncEnd() {
        return c.isSlave() ? c.syncEndTid() : newest;
    }

    private String endName() {
        return c.isSlave() ? "its sync-end-tid " + Tid.format(c.syncEndTid())
                : "the store's newest TID " + Tid.format(newest) + " (a master's sync-end-tid)";
    }

    private void damaged(String what) {
        report.accept(Finding.pfs(c.id(), what));
    }

    private static boolean after(long a, long b) {
        return Long.compareUnsigned(a, b) > 0;
    }

    private void syncTids(long end) {
        if (after(c.syncBegTid(), end)) {
            damaged("sync-beg-tid " + Tid.format(c.syncBegTid()) + " is after " + endName());
        }
    }

    /** Segments each begin at or before their end, follow one another without overlap, and end by {@code end}. */
    private void lineage(long end) {
        List<LineageSegment> l = c.lineage();
        for (int i = 0; i < l.size(); i++) {
            LineageSegment s = l.get(i);
            if (after(s.first(), s.last())) {
                damaged("lineage segment " + (i + 1) + " " + range(s) + " ends before it begins");
            }
            if (i > 0 && !after(s.first(), l.get(i - 1).last())) {
                damaged("lineage segment " + (i + 1) + " " + range(s) + " does not follow segment " + i + " "
                        + range(l.get(i - 1)));
            }
        }
        if (!l.isEmpty() && after(l.get(l.size() - 1).last(), end)) {
            damaged("lineage ends at " + Tid.format(l.get(l.size() - 1).last()) + ", after " + endName());
        }
    }

    private static String range(LineageSegment s) {
        return Tid.format(s.first()) + ".." + Tid.format(s.last()) + " of " + s.producer();
    }

    /**
     * A resume cursor belongs to a slave, names a record, and lies after the slave's sync-end-tid
     * and at or before the store's newest TID (TID 0 marks a reconciliation batch: no TID order).
     */
    private void cursor() {
        ResumeCursor cur = c.cursor();
        if (cur == null) {
            return;
        }
        if (!c.isSlave()) {
            damaged("a master with a resume cursor (" + Tid.format(cur.tid())
                    + "): only a slave being mirrored has one");
            return;
        }
        if (cur.key() == null) {
            damaged("resume cursor at " + Tid.format(cur.tid()) + " names a record key of unknown type");
        }
        if (cur.tid() == 0) {
            return;
        }
        if (!after(cur.tid(), c.syncEndTid())) {
            damaged("resume cursor at " + Tid.format(cur.tid()) + " is not after its sync-end-tid "
                    + Tid.format(c.syncEndTid()));
        } else if (newest != 0 && after(cur.tid(), newest)) {
            damaged("resume cursor at " + Tid.format(cur.tid()) + " is after the store's newest TID "
                    + Tid.format(newest));
        }
    }

    /**
     * Each regular file whose inode counts its blocks (store format 4) as of {@code end} has the
     * blocks it counts: the sum of the sizes of its data blocks visible then. One pass over the
     * PFS's keys, in key order, where a file's inode comes before its blocks; each counted inode's
     * data is read once. (The count is covered by the inode's checksums as every field is; this
     * finds a count that was kept wrong.)
     */
    private void blockCounts(long end, PathNames names) {
        Record[] inode = {null};
        long[] count = {Inode.UNCOUNTED, 0};
        long[] damaged = {-1}; // an object with a record the scan stepped over: its blocks are not all known
        Runnable compare = () -> {
            if (inode[0] != null && count[0] != Inode.UNCOUNTED && count[0] != count[1]
                    && inode[0].key().obj() != damaged[0]) {
                RecordKey k = inode[0].key();
                report.accept(Finding.record("records", k, "the inode counts " + count[0]
                        + " bytes of blocks; the file's blocks add up to " + count[1],
                        names.of(r, k.pfs(), k.obj(), k.createTid())));
            }
            inode[0] = null;
            count[0] = Inode.UNCOUNTED;
            count[1] = 0;
        };
        boolean whole = RecordScan.scan(r, RecordScan.first(c.id()), RecordScan.last(c.id()), false, rec -> {
            RecordKey k = rec.key();
            if (inode[0] != null && k.obj() != inode[0].key().obj()) {
                compare.run();
            }
            if (!rec.visibleAt(end)) {
                return true;
            }
            if (k.type() == RecordType.INODE) {
                compare.run();
                inode[0] = rec;
                try {
                    Record full = r.get(k);
                    count[0] = full == null ? Inode.UNCOUNTED : Inode.decode(full.data()).blockBytes();
                } catch (CorruptRecordException e) {
                    throw e; // the record's own damage: the store check reports it, the scan steps over it
                } catch (HammerException e) {
                    report.accept(Finding.record("records", k, e.getMessage(), names.of(r, k.pfs(), k.obj(),
                            k.createTid())));
                }
            } else if (k.type() == RecordType.DATA && inode[0] != null) {
                count[1] += Blocks.size(k.key());
            }
            return true;
        }, k -> damaged[0] = k.obj());
        if (whole) {
            compare.run();
        }
    }

    /** Every change entry of the PFS after the store's newest TID names a record from the future. */
    private void newerThanStore(PathNames names) {
        try {
            r.scanChanges(c.id(), newest, null, Tid.MAX, (t, k) -> {
                report.accept(Finding.record("records", k, (t == k.createTid() ? "created" : "deleted") + " at "
                        + Tid.format(t) + ", after the store's newest TID " + Tid.format(newest),
                        names.of(r, k.pfs(), k.obj(), k.createTid())));
                return true;
            });
        } catch (HammerException e) {
            // A damaged change entry: the store check reports it.
        }
    }
}
