package org.hammer.core.btree;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.hammer.core.tid.Tid;

/**
 * One B-tree element: its key, the TID that deleted it (0 while live), creation and deletion
 * times in microseconds since the epoch, and its data. The data CRC is CRC32C, as HAMMER v7.
 */
public record Record(RecordKey key, long deleteTid, long createTs, long deleteTs, byte[] data) {

    /** Value layout: delete_tid u64, create_ts i64, delete_ts i64, data_crc u32, data. */
    public static final int VALUE_HEADER = 8 + 8 + 8 + 4;

    public Record {
        if (data == null) {
            data = new byte[0];
        }
        if (deleteTid != 0 && deleteTid == key.createTid()) {
            throw new IllegalArgumentException("delete TID equals create TID " + Tid.format(deleteTid));
        }
    }

    public static Record live(RecordKey key, long createTs, byte[] data) {
        return new Record(key, 0, createTs, 0, data);
    }

    public boolean visibleAt(long asOf) {
        return Tid.visible(key.createTid(), deleteTid, asOf);
    }

    public Record withDelete(long tid, long ts) {
        return new Record(key, tid, createTs, tid == 0 ? 0 : ts, data);
    }

    public int crc() {
        return crc(data);
    }

    public static int crc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data, 0, data.length);
        return (int) c.getValue();
    }

    public void writeValue(ByteBuffer b) {
        b.putLong(deleteTid).putLong(createTs).putLong(deleteTs).putInt(crc()).put(data);
    }

    public int valueSize() {
        return VALUE_HEADER + data.length;
    }

    /** Decodes a stored value; a data CRC mismatch is reported by {@link #checkCrc}. */
    public static Record readValue(RecordKey key, ByteBuffer b) {
        long del = b.getLong();
        long cts = b.getLong();
        long dts = b.getLong();
        int storedCrc = b.getInt();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        Record r = new Record(key, del, cts, dts, data);
        if (storedCrc != r.crc()) {
            throw new CorruptRecordException(key);
        }
        return r;
    }

    @Override
    public String toString() {
        return key + " delete=" + Tid.format(deleteTid) + " data=" + data.length;
    }
}
