package org.hammer.core.history;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreReader;

/**
 * The versions of an object: every TID at which one of its INODE, DATA, XATTR or SYMLINK records
 * was created, with that record's create time. Directory entries, snapshots and config on a PFS
 * root are not versions of the object itself (a directory's inode changes with its entries).
 */
public final class History {

    private History() {
    }

    /** The versions of {@code ino} in {@code pfs} created at or before {@code upTo}, oldest first. */
    public static List<Version> versions(StoreReader r, int pfs, long ino, long upTo) {
        TreeMap<Long, Long> byTid = new TreeMap<>(Long::compareUnsigned);
        RecordKey lo = new RecordKey(pfs, ino, RecordType.INODE, 0, 0);
        RecordKey hi = new RecordKey(pfs, ino, RecordType.DIRENTRY, 0, 0);
        scanInto(r, lo, hi, upTo, byTid);
        scanInto(r, new RecordKey(pfs, ino, RecordType.XATTR, 0, 0), new RecordKey(pfs, ino, RecordType.SNAPSHOT, 0, 0),
                upTo, byTid);
        List<Version> out = new ArrayList<>(byTid.size());
        byTid.forEach((tid, ts) -> out.add(new Version(tid, ts)));
        return out;
    }

    private static void scanInto(StoreReader r, RecordKey lo, RecordKey hi, long upTo, TreeMap<Long, Long> byTid) {
        r.scan(lo, hi, false, rec -> {
            long tid = rec.key().createTid();
            if (Long.compareUnsigned(tid, upTo) <= 0) {
                byTid.merge(tid, rec.createTs(), Math::min);
            }
            return true;
        });
    }
}
