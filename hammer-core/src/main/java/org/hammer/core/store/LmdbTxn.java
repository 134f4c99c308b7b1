package org.hammer.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.SeekOp;
import org.lmdbjava.Txn;

/** One LMDB transaction seen as a {@link StoreWriter} (read-only when not writable). */
final class LmdbTxn implements StoreWriter {

    /**
     * Direct buffers for keys and values, one set per thread: allocating them per transaction
     * costs more than a small read. A buffer is only used within one call (LMDB copies what it is
     * given), so nested transactions on one thread may share them.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        final ByteBuffer key = ByteBuffer.allocateDirect(512);
        final ByteBuffer key2 = ByteBuffer.allocateDirect(64);
        final ByteBuffer one = ByteBuffer.allocateDirect(1);
        private ByteBuffer val = ByteBuffer.allocateDirect(16 * 1024);

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** A cleared value buffer of at least {@code size} bytes. */
        ByteBuffer value(int size) {
            if (val.capacity() < size) {
                val = ByteBuffer.allocateDirect(Math.max(size, val.capacity() * 2));
            }
            val.clear();
            return val;
        }
    }
    private static final byte CHANGE_CREATE = 1;
    private static final byte CHANGE_DELETE = 2;
    private static final int CHANGE_KEY = 2 + 8 + RecordKey.BYTES;

    private final LmdbStore store;
    private final Txn<ByteBuffer> txn;
    private final boolean writable;
    private final long tid;
    private final long now;
    private long lastTid;
    private boolean tidDirty;
    private final Scratch scratch = Scratch.get();
    private final ByteBuffer key = scratch.key;
    private final ByteBuffer key2 = scratch.key2;
    private final ByteBuffer one = scratch.one;

    LmdbTxn(LmdbStore store, Txn<ByteBuffer> txn, boolean writable, boolean allocateTid) {
        this.store = store;
        this.txn = txn;
        this.writable = writable;
        this.lastTid = readLastTid();
        if (allocateTid) {
            this.tid = lastTid + 1;
            this.lastTid = tid;
            this.tidDirty = true;
        } else {
            this.tid = 0;
        }
        this.now = micros(Instant.now());
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    private long readLastTid() {
        byte[] v = meta(LmdbStore.META_TID);
        return v == null ? 0 : ByteBuffer.wrap(v).getLong();
    }

    void finish() {
        if (tidDirty) {
            putMeta(LmdbStore.META_TID, ByteBuffer.allocate(8).putLong(lastTid).array());
        }
    }

    // ---- reads ----

    @Override
    public long lastTid() {
        return lastTid;
    }

    private ByteBuffer recordKey(ByteBuffer b, RecordKey k) {
        b.clear();
        k.writeTo(b);
        return b.flip();
    }

    @Override
    public Record get(RecordKey k) {
        ByteBuffer v = store.records.get(txn, recordKey(key, k));
        return v == null ? null : Record.readValue(k, v.duplicate());
    }

    @Override
    public Record visible(int pfs, long obj, RecordType type, long k, long asOf) {
        RecordKey probe = new RecordKey(pfs, obj, type, k, asOf);
        try (Cursor<ByteBuffer> c = store.records.openCursor(txn)) {
            boolean found = c.get(recordKey(key, probe), GetOp.MDB_SET_RANGE);
            if (found) {
                RecordKey at = RecordKey.readFrom(c.key().duplicate());
                if (at == null || !at.equals(probe)) {
                    found = c.prev();
                }
            } else {
                found = c.seek(SeekOp.MDB_LAST);
            }
            if (!found) {
                return null;
            }
            RecordKey at = RecordKey.readFrom(c.key().duplicate());
            if (at == null || at.pfs() != pfs || at.obj() != obj || at.type() != type || at.key() != k) {
                return null;
            }
            long delete = c.val().getLong(0);
            if (!org.hammer.core.tid.Tid.visible(at.createTid(), delete, asOf)) {
                return null;
            }
            return Record.readValue(at, c.val().duplicate());
        }
    }

    @Override
    public void scan(RecordKey from, RecordKey toExclusive, boolean withData, Predicate<Record> visitor) {
        byte[] to = toExclusive.toBytes();
        try (Cursor<ByteBuffer> c = store.records.openCursor(txn)) {
            boolean ok = c.get(recordKey(key, from), GetOp.MDB_SET_RANGE);
            while (ok) {
                ByteBuffer kb = c.key();
                if (compare(kb, to) >= 0) {
                    return;
                }
                RecordKey k = RecordKey.readFrom(kb.duplicate());
                if (k != null) {
                    Record r;
                    if (withData) {
                        r = Record.readValue(k, c.val().duplicate());
                    } else {
                        ByteBuffer v = c.val();
                        r = new Record(k, v.getLong(0), v.getLong(8), v.getLong(16), null);
                    }
                    if (!visitor.test(r)) {
                        return;
                    }
                }
                ok = c.next();
            }
        }
    }

    private static int compare(ByteBuffer a, byte[] b) {
        int n = Math.min(a.remaining(), b.length);
        int p = a.position();
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(a.get(p + i) & 0xff, b[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.remaining(), b.length);
    }

    @Override
    public void scanChanges(int pfs, long afterTid, RecordKey afterKey, long toTid,
            BiPredicate<Long, RecordKey> visitor) {
        ByteBuffer seek = key;
        seek.clear();
        seek.putShort((short) pfs);
        if (afterKey == null) {
            if (afterTid == -1L) {
                return;
            }
            seek.putLong(afterTid + 1);
        } else {
            seek.putLong(afterTid);
            afterKey.writeTo(seek);
        }
        seek.flip();
        byte[] afterBytes = null;
        if (afterKey != null) {
            afterBytes = new byte[seek.remaining()];
            seek.duplicate().get(afterBytes);
        }
        try (Cursor<ByteBuffer> c = store.changes.openCursor(txn)) {
            boolean ok = c.get(seek, GetOp.MDB_SET_RANGE);
            while (ok) {
                ByteBuffer kb = c.key().duplicate();
                if (afterBytes != null && compare(kb, afterBytes) == 0) {
                    ok = c.next();
                    continue;
                }
                int p = Short.toUnsignedInt(kb.getShort());
                long t = kb.getLong();
                if (p != pfs || Long.compareUnsigned(t, toTid) > 0) {
                    return;
                }
                RecordKey k = RecordKey.readFrom(kb);
                if (k != null && !visitor.test(t, k)) {
                    return;
                }
                ok = c.next();
            }
        }
    }

    @Override
    public long maxObj(int pfs) {
        try (Cursor<ByteBuffer> c = store.records.openCursor(txn)) {
            boolean found;
            if (pfs == 0xFFFF) {
                found = c.seek(SeekOp.MDB_LAST);
            } else {
                key2.clear();
                key2.putShort((short) (pfs + 1)).flip();
                found = c.get(key2, GetOp.MDB_SET_RANGE) ? c.prev() : c.seek(SeekOp.MDB_LAST);
            }
            if (!found) {
                return 0;
            }
            ByteBuffer kb = c.key().duplicate();
            return Short.toUnsignedInt(kb.getShort()) == pfs ? kb.getLong() : 0;
        }
    }

    @Override
    public boolean hasRecords(int pfs) {
        try (Cursor<ByteBuffer> c = store.records.openCursor(txn)) {
            key2.clear();
            key2.putShort((short) pfs).flip();
            if (!c.get(key2, GetOp.MDB_SET_RANGE)) {
                return false;
            }
            return Short.toUnsignedInt(c.key().getShort(c.key().position())) == pfs;
        }
    }

    @Override
    public byte[] meta(String name) {
        key.clear();
        key.put(name.getBytes(StandardCharsets.UTF_8)).flip();
        ByteBuffer v = store.meta.get(txn, key);
        if (v == null) {
            return null;
        }
        byte[] out = new byte[v.remaining()];
        v.duplicate().get(out);
        return out;
    }

    @Override
    public void scanMeta(String prefix, BiPredicate<String, byte[]> visitor) {
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        ByteBuffer seek = key;
        seek.clear();
        seek.put(p).flip();
        try (Cursor<ByteBuffer> c = store.meta.openCursor(txn)) {
            boolean ok = p.length == 0 ? c.seek(SeekOp.MDB_FIRST) : c.get(seek, GetOp.MDB_SET_RANGE);
            while (ok) {
                ByteBuffer kb = c.key().duplicate();
                byte[] k = new byte[kb.remaining()];
                kb.get(k);
                if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) {
                    return;
                }
                ByteBuffer vb = c.val().duplicate();
                byte[] v = new byte[vb.remaining()];
                vb.get(v);
                if (!visitor.test(new String(k, StandardCharsets.UTF_8), v)) {
                    return;
                }
                ok = c.next();
            }
        }
    }

    // ---- writes ----

    private void checkWritable() {
        if (!writable) {
            throw new IllegalStateException("read-only transaction");
        }
    }

    @Override
    public long tid() {
        if (tid == 0) {
            throw new IllegalStateException("this transaction lays down received records and has no TID of its own");
        }
        return tid;
    }

    @Override
    public long nowMicros() {
        return now;
    }

    private ByteBuffer value(Record r) {
        ByteBuffer val = scratch.value(r.valueSize());
        r.writeValue(val);
        return val.flip();
    }

    @Override
    public void insert(Record r) {
        checkWritable();
        // Only the replaced record's delete TID matters here: read it without copying the data.
        ByteBuffer old = store.records.get(txn, recordKey(key, r.key()));
        long oldDelete = old == null ? 0 : old.getLong(old.position());
        if (oldDelete != 0 && oldDelete != r.deleteTid()) {
            change(r.key(), oldDelete, false);
        }
        store.records.put(txn, recordKey(key, r.key()), value(r));
        change(r.key(), r.key().createTid(), true);
        if (r.deleteTid() != 0) {
            change(r.key(), r.deleteTid(), true);
        }
    }

    @Override
    public void setDelete(RecordKey k, long deleteTid, long deleteTs) {
        checkWritable();
        Record old = get(k);
        if (old == null) {
            throw new IllegalStateException("no record " + k);
        }
        if (old.deleteTid() == deleteTid) {
            return;
        }
        if (old.deleteTid() != 0) {
            change(k, old.deleteTid(), false);
        }
        Record r = old.withDelete(deleteTid, deleteTs);
        store.records.put(txn, recordKey(key, k), value(r));
        if (deleteTid != 0) {
            change(k, deleteTid, true);
        }
    }

    @Override
    public void destroy(RecordKey k) {
        checkWritable();
        ByteBuffer v = store.records.get(txn, recordKey(key, k));
        if (v == null) {
            return;
        }
        long delete = v.getLong(0);
        store.records.delete(txn, recordKey(key, k));
        change(k, k.createTid(), false);
        if (delete != 0) {
            change(k, delete, false);
        }
    }

    private void change(RecordKey k, long atTid, boolean add) {
        key2.clear();
        key2.putShort((short) k.pfs()).putLong(atTid);
        k.writeTo(key2);
        key2.flip();
        if (add) {
            one.clear();
            one.put(atTid == k.createTid() ? CHANGE_CREATE : CHANGE_DELETE).flip();
            store.changes.put(txn, key2, one);
        } else {
            store.changes.delete(txn, key2);
        }
    }

    @Override
    public void putMeta(String name, byte[] value) {
        checkWritable();
        key.clear();
        key.put(name.getBytes(StandardCharsets.UTF_8)).flip();
        ByteBuffer v = scratch.value(value.length);
        v.put(value).flip();
        store.meta.put(txn, key, v);
    }

    @Override
    public void deleteMeta(String name) {
        checkWritable();
        key.clear();
        key.put(name.getBytes(StandardCharsets.UTF_8)).flip();
        store.meta.delete(txn, key);
    }

    @Override
    public void raiseTid(long t) {
        checkWritable();
        if (Long.compareUnsigned(t, lastTid) > 0) {
            lastTid = t;
            tidDirty = true;
        }
    }
}
