package org.hammer.core.store;

import java.nio.ByteBuffer;

import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;

/**
 * Changes inside one write transaction. Nothing is overwritten: a change inserts records and
 * sets the delete TID of the ones it replaces; the change index follows every step.
 */
public interface StoreWriter extends StoreReader {

    /** The TID this transaction commits at; {@link Store#apply} transactions have none. */
    long tid();

    /** Wall-clock time of the transaction in microseconds, for create_ts/delete_ts. */
    long nowMicros();

    /** Inserts a record (replacing one with the same key), indexing its create and delete TIDs. */
    void insert(Record record);

    /** {@link #insert(Record)} with the data's CRC32C already known (checked by the caller). */
    default void insert(Record record, int dataCrc) {
        insert(record);
    }

    /**
     * {@link #insert(Record, int)} of the record made of these fields and the bytes remaining in
     * {@code data} (not moved), which are copied once, straight into the store.
     */
    default void insert(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc, ByteBuffer data) {
        byte[] d = new byte[data.remaining()];
        data.duplicate().get(d);
        insert(new Record(key, deleteTid, createTs, deleteTs, d), dataCrc);
    }

    /**
     * {@link #insert(RecordKey, long, long, long, int, ByteBuffer)} of a key the caller has just
     * found absent in this transaction (so there is nothing to replace and no need to look).
     */
    default void insertAbsent(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc,
            ByteBuffer data) {
        insert(key, deleteTid, createTs, deleteTs, dataCrc, data);
    }

    /** Sets or clears the delete TID of an existing record, moving its change entry. */
    void setDelete(RecordKey key, long deleteTid, long deleteTs);

    /** Physically removes a record and its change entries (prune, rollback, destroy). */
    void destroy(RecordKey key);

    void putMeta(String key, byte[] value);

    void deleteMeta(String key);

    /** Raises the store's TID counter to at least {@code tid} (records laid down by mirror-write). */
    void raiseTid(long tid);

    /**
     * Hand-over (package documentation): the thread that owns this write transaction lets it go;
     * until a thread {@linkplain #attach attaches} it, every use fails fast. Writers that are not
     * tied to a thread do nothing.
     */
    default void detach() {
    }

    /**
     * Hand-over: the calling thread takes this detached write transaction; true if it did, false
     * if it owned it already (a nested use, which must not detach it). Fails fast
     * (IllegalStateException) while another thread owns it.
     */
    default boolean attach() {
        return false;
    }
}
