package org.hammer.core.store;

import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;

/** Reads of one consistent snapshot of a store; valid only inside {@link Store#read}. */
public interface StoreReader {

    /** The newest TID committed when this snapshot was taken (or the TID being written). */
    long lastTid();

    /**
     * This read's snapshot as an id that no other snapshot of the store has (LMDB's transaction
     * id: every commit makes a new one, a mirrored commit that adds no TID too), so that what a
     * reader decodes from one snapshot may be kept for the next read of the same one; 0 in a write
     * transaction, whose contents change as it runs, and where the store gives no such id.
     */
    default long snapshot() {
        return 0;
    }

    /** The record with exactly this key, or null. */
    Record get(RecordKey key);

    /** The value header of the record with exactly this key (its record CRC checked, its data not read), or null. */
    Record.Header head(RecordKey key);

    /**
     * The record with exactly this key as the store holds it, or null: its header checked, and
     * its data, checked against the data CRC, as a read-only view of the store that is valid
     * only until this read ends (nothing is copied).
     */
    Stored stored(RecordKey key);

    /** A record as stored: see {@link #stored}. */
    record Stored(RecordKey key, Record.Header header, java.nio.ByteBuffer data) {
    }

    /**
     * The version of {@code (pfs, obj, type, key)} visible as of {@code asOf}, or null. At most one
     * version is visible at any TID because a change deletes the version it replaces.
     */
    Record visible(int pfs, long obj, RecordType type, long key, long asOf);

    /** As {@link #visible}, the record as stored: its data a view valid until this read ends (see {@link #stored}). */
    Stored visibleStored(int pfs, long obj, RecordType type, long key, long asOf);

    /**
     * As {@link #visibleStored}, for a reader that copies a file's data out at once: its data may be
     * a view of a buffer of this thread's (a large value read past the page cache when it was not
     * in it) or of one the store read it ahead into, valid until the thread's next such read or
     * its {@link #dataCopied}.
     */
    default Stored visibleStoredData(int pfs, long obj, RecordType type, long key, long asOf) {
        return visibleStored(pfs, obj, type, key, asOf);
    }

    /**
     * Says that this thread has copied out the data {@link #visibleStoredData} gave it: a buffer
     * of the store's that it was read from in place may be read into again.
     */
    default void dataCopied() {
    }

    /**
     * Asks the disk, without waiting, for the values of the records of {@code obj} of {@code type}
     * with keys in [{@code from}, {@code to}) that a read as of {@code asOf} may want (the newest
     * version of each key created by then): a sequential reader's next blocks, read in large
     * pieces while it is served the ones before them. Changes nothing anyone reads; a value it
     * cannot tell where to find is simply not asked for.
     */
    default void readAhead(int pfs, long obj, RecordType type, long from, long to, long asOf) {
    }

    /**
     * Visits every version with {@code from <= key < toExclusive} in key order; with
     * {@code withData} false the records carry no data. The visitor returns false to stop.
     */
    void scan(RecordKey from, RecordKey toExclusive, boolean withData, Predicate<Record> visitor);

    /**
     * Visits the change index of {@code pfs} in (tid, key) order, strictly after
     * {@code (afterTid, afterKey)} (a null key means the start of {@code afterTid + 1}) and up to
     * {@code toTid} inclusive. The visitor gets each changed record's key; it returns false to stop.
     */
    void scanChanges(int pfs, long afterTid, RecordKey afterKey, long toTid, BiPredicate<Long, RecordKey> visitor);

    /** The largest object id with any record in {@code pfs}, or 0. */
    long maxObj(int pfs);

    /** The store's format ({@link StoreHeader#formatVersion}): what its records may hold. */
    int format();

    /** Whether {@code pfs} has any record at all. */
    boolean hasRecords(int pfs);

    byte[] meta(String key);

    /** Visits metadata entries whose key starts with {@code prefix}, in key order. */
    void scanMeta(String prefix, BiPredicate<String, byte[]> visitor);
}
