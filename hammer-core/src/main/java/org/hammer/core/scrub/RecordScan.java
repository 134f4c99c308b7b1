package org.hammer.core.scrub;

import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.hammer.core.btree.CorruptRecordException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreReader;

/**
 * Key-range scans that step over damaged records instead of stopping at the first: a scrub's own
 * reads meet the damage the store check reports, and must go on past it.
 */
final class RecordScan {
    private RecordScan() {
    }

    /** The first key of PFS {@code pfs}, and the key past its last. */
    static RecordKey first(int pfs) {
        return new RecordKey(pfs, 0, RecordType.INODE, 0, 0);
    }

    static RecordKey last(int pfs) {
        return new RecordKey(pfs, -1L, RecordType.CONFIG, -1L, -1L);
    }

    /**
     * Visits the readable records in {@code [from, to)} (see {@link StoreReader#scan}), stepping
     * over each damaged one. Returns false when it had to stop early: a key that cannot be read
     * at all, or a failure below the records (LMDB's own pages).
     */
    static boolean scan(StoreReader r, RecordKey from, RecordKey to, boolean withData, Predicate<Record> visitor) {
        return scan(r, from, to, withData, visitor, k -> { });
    }

    /** As above, telling {@code stepped} the key of each damaged record it steps over, before it goes on. */
    static boolean scan(StoreReader r, RecordKey from, RecordKey to, boolean withData, Predicate<Record> visitor,
            Consumer<RecordKey> stepped) {
        RecordKey at = from;
        boolean[] stopped = {false};
        while (at != null && at.compareTo(to) < 0) {
            try {
                r.scan(at, to, withData, rec -> {
                    if (!visitor.test(rec)) {
                        stopped[0] = true;
                        return false;
                    }
                    return true;
                });
                return true;
            } catch (CorruptRecordException e) {
                if (stopped[0] || e.key() == null) {
                    return stopped[0];
                }
                if (e.key().compareTo(at) < 0) {
                    // the damaged record lies before the start: the search checked it as the
                    // neighbour of where it landed, and will again; nothing further can be read here
                    return false;
                }
                stepped.accept(e.key());
                // Each retry starts strictly after the damaged key: the loop ends.
                at = successor(e.key());
            } catch (RuntimeException e) {
                return false;
            }
        }
        return true;
    }

    /** The smallest key after {@code k}, or null when {@code k} is the last possible key. */
    static RecordKey successor(RecordKey k) {
        if (k.createTid() != -1L) {
            return new RecordKey(k.pfs(), k.obj(), k.type(), k.key(), k.createTid() + 1);
        }
        if (k.key() != -1L) {
            return new RecordKey(k.pfs(), k.obj(), k.type(), k.key() + 1, 0);
        }
        RecordType next = null;
        for (RecordType t : RecordType.values()) {
            if (t.code() > k.type().code() && (next == null || t.code() < next.code())) {
                next = t;
            }
        }
        if (next != null) {
            return new RecordKey(k.pfs(), k.obj(), next, 0, 0);
        }
        if (k.obj() != -1L) {
            return new RecordKey(k.pfs(), k.obj() + 1, RecordType.INODE, 0, 0);
        }
        return k.pfs() < 0xFFFF ? first(k.pfs() + 1) : null;
    }

    /**
     * The PFS ids that have records, found by jumping from each to the next (one seek per PFS). A
     * PFS whose first record is damaged still counts: the damaged key names it. Where not even
     * the key can be read, the search steps on one id at a time (at most 65536 seeks).
     */
    static SortedSet<Integer> pfsIds(StoreReader r) {
        SortedSet<Integer> ids = new TreeSet<>();
        int[] found = new int[1];
        int p = 0;
        while (p <= 0xFFFF) {
            found[0] = -1;
            try {
                r.scan(first(p), last(0xFFFF), false, rec -> {
                    found[0] = rec.key().pfs();
                    return false;
                });
                if (found[0] < 0) {
                    break;
                }
            } catch (CorruptRecordException e) {
                found[0] = e.key() != null ? e.key().pfs() : -1;
            } catch (RuntimeException e) {
                found[0] = -1;
            }
            if (found[0] >= p) {
                ids.add(found[0]);
                p = found[0] + 1;
            } else {
                // nothing readable here, or damage found before p (a search checks the record
                // before where it lands): step on, so the loop always ends
                p++;
            }
        }
        return ids;
    }
}
