package org.hammer.core.prune;

import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreReader;

/**
 * Space held by one PFS: live records (the current state) and deleted ones (history that pruning
 * may reclaim), with the bytes of their keys and values, and the oldest TID of the history kept
 * (the oldest create TID of a deleted record; 0 when there is no history). For {@code info} and
 * {@code pfs-status}; it reads every record of the PFS.
 */
public record Usage(long liveRecords, long deletedRecords, long liveBytes, long deletedBytes, long oldestHistoryTid) {

    public static Usage of(StoreReader r, int pfs) {
        long[] n = new long[5];
        r.scan(new RecordKey(pfs, 0, RecordType.INODE, 0, 0), new RecordKey(pfs, -1L, RecordType.CONFIG, -1L, -1L), true,
                rec -> {
                    long size = RecordKey.BYTES + rec.valueSize();
                    if (rec.deleteTid() == 0) {
                        n[0]++;
                        n[2] += size;
                    } else {
                        n[1]++;
                        n[3] += size;
                        long c = rec.key().createTid();
                        if (n[4] == 0 || Long.compareUnsigned(c, n[4]) < 0) {
                            n[4] = c;
                        }
                    }
                    return true;
                });
        return new Usage(n[0], n[1], n[2], n[3], n[4]);
    }

    public long records() {
        return liveRecords + deletedRecords;
    }

    public long bytes() {
        return liveBytes + deletedBytes;
    }
}
