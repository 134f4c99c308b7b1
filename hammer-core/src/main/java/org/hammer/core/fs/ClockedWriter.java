package org.hammer.core.fs;

import java.nio.ByteBuffer;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreWriter;

/**
 * A store write transaction whose clock keeps running: the write-back engine groups many
 * operations into one transaction, and each must stamp its own mtime/ctime, not the
 * transaction's start.
 */
final class ClockedWriter implements StoreWriter {
    private final StoreWriter w;
    private final Clock clock;

    ClockedWriter(StoreWriter w, Clock clock) {
        this.w = w;
        this.clock = clock;
    }

    @Override
    public long nowMicros() {
        return Math.max(w.nowMicros(), clock.epochMicros());
    }

    @Override
    public long tid() {
        return w.tid();
    }

    @Override
    public void insert(Record record) {
        w.insert(record);
    }

    @Override
    public void insert(Record record, int dataCrc) {
        w.insert(record, dataCrc);
    }

    @Override
    public void insert(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc, ByteBuffer data) {
        w.insert(key, deleteTid, createTs, deleteTs, dataCrc, data);
    }

    @Override
    public void insertAbsent(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc,
            ByteBuffer data) {
        w.insertAbsent(key, deleteTid, createTs, deleteTs, dataCrc, data);
    }

    @Override
    public void setDelete(RecordKey key, long deleteTid, long deleteTs) {
        w.setDelete(key, deleteTid, deleteTs);
    }

    @Override
    public void destroy(RecordKey key) {
        w.destroy(key);
    }

    @Override
    public void putMeta(String key, byte[] value) {
        w.putMeta(key, value);
    }

    @Override
    public void deleteMeta(String key) {
        w.deleteMeta(key);
    }

    @Override
    public void raiseTid(long tid) {
        w.raiseTid(tid);
    }

    @Override
    public long lastTid() {
        return w.lastTid();
    }

    @Override
    public long snapshot() {
        return w.snapshot();
    }

    @Override
    public Record get(RecordKey key) {
        return w.get(key);
    }

    @Override
    public Record.Header head(RecordKey key) {
        return w.head(key);
    }

    @Override
    public Stored stored(RecordKey key) {
        return w.stored(key);
    }

    @Override
    public Record visible(int pfs, long obj, RecordType type, long key, long asOf) {
        return w.visible(pfs, obj, type, key, asOf);
    }

    @Override
    public Stored visibleStored(int pfs, long obj, RecordType type, long key, long asOf) {
        return w.visibleStored(pfs, obj, type, key, asOf);
    }

    @Override
    public Stored visibleStoredData(int pfs, long obj, RecordType type, long key, long asOf) {
        return w.visibleStoredData(pfs, obj, type, key, asOf);
    }

    @Override
    public void dataCopied() {
        w.dataCopied();
    }

    @Override
    public void readAhead(int pfs, long obj, RecordType type, long from, long to, long asOf) {
        w.readAhead(pfs, obj, type, from, to, asOf);
    }

    @Override
    public void scan(RecordKey from, RecordKey toExclusive, boolean withData, Predicate<Record> visitor) {
        w.scan(from, toExclusive, withData, visitor);
    }

    @Override
    public void scanChanges(int pfs, long afterTid, RecordKey afterKey, long toTid,
            BiPredicate<Long, RecordKey> visitor) {
        w.scanChanges(pfs, afterTid, afterKey, toTid, visitor);
    }

    @Override
    public long maxObj(int pfs) {
        return w.maxObj(pfs);
    }

    @Override
    public int format() {
        return w.format();
    }

    @Override
    public boolean hasRecords(int pfs) {
        return w.hasRecords(pfs);
    }

    @Override
    public byte[] meta(String key) {
        return w.meta(key);
    }

    @Override
    public void scanMeta(String prefix, BiPredicate<String, byte[]> visitor) {
        w.scanMeta(prefix, visitor);
    }

    @Override
    public void detach() {
        w.detach();
    }

    @Override
    public boolean attach() {
        return w.attach();
    }
}
