package org.hammer.core.btree;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.hammer.core.tid.Tid;

/**
 * One B-tree element: its key, the TID that deleted it (0 while live), creation and deletion
 * times in microseconds since the epoch, and its data. Two CRC32Cs (as HAMMER v7's) protect it on
 * disk: the data CRC covers the data, and the record CRC covers the whole key, the delete TID, both
 * times and the data CRC, so every byte a reader depends on is checked (FORMAT.md).
 */
public record Record(RecordKey key, long deleteTid, long createTs, long deleteTs, byte[] data) {

    /**
     * Value layout (store format 2): delete_tid u64, create_ts i64, delete_ts i64, data_crc u32,
     * record_crc u32, data.
     */
    public static final int VALUE_HEADER = 8 + 8 + 8 + 4 + 4;
    /** No record holds more data than this (blocks and xattrs are at most 64 KiB). */
    public static final int MAX_DATA = 1 << 20;
    private static final int CRC_INPUT = RecordKey.BYTES + 8 + 8 + 8 + 4;

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

    /** CRC32C of the data. */
    public int dataCrc() {
        return dataCrc(data);
    }

    public static int dataCrc(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data, 0, data.length);
        return (int) c.getValue();
    }

    /** CRC32C of the key and the value header up to and including the data CRC. */
    public static int recordCrc(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc) {
        CrcScratch s = CrcScratch.PER_THREAD.get();
        ByteBuffer b = s.input.clear();
        key.writeTo(b);
        b.putLong(deleteTid).putLong(createTs).putLong(deleteTs).putInt(dataCrc).flip();
        s.crc.reset();
        s.crc.update(b);
        return (int) s.crc.getValue();
    }

    /** The record CRC's input and checksum, one per thread: it is computed for every record read or written. */
    private static final class CrcScratch {
        static final ThreadLocal<CrcScratch> PER_THREAD = ThreadLocal.withInitial(CrcScratch::new);
        final ByteBuffer input = ByteBuffer.allocate(CRC_INPUT);
        final CRC32C crc = new CRC32C();
    }

    /** This record's record CRC, given its data CRC. */
    public int recordCrc(int dataCrc) {
        return recordCrc(key, deleteTid, createTs, deleteTs, dataCrc);
    }

    public void writeValue(ByteBuffer b) {
        writeValue(b, dataCrc());
    }

    /** Writes the value with a data CRC already known to match the data. */
    public void writeValue(ByteBuffer b, int dataCrc) {
        writeHeader(b, key, deleteTid, createTs, deleteTs, dataCrc);
        b.put(data);
    }

    /** Writes a value header, computing its record CRC. */
    public static void writeHeader(ByteBuffer b, RecordKey key, long deleteTid, long createTs, long deleteTs,
            int dataCrc) {
        b.putLong(deleteTid).putLong(createTs).putLong(deleteTs).putInt(dataCrc)
                .putInt(recordCrc(key, deleteTid, createTs, deleteTs, dataCrc));
    }

    public int valueSize() {
        return VALUE_HEADER + data.length;
    }

    /**
     * Decodes a stored value, checking both CRCs; {@code b} must hold exactly the value. A
     * mismatch or an impossible size throws {@link CorruptRecordException}.
     */
    public static Record readValue(RecordKey key, ByteBuffer b) {
        Header h = Header.read(key, b);
        byte[] data = new byte[b.remaining()];
        b.get(data);
        if (dataCrc(data) != h.dataCrc()) {
            throw new CorruptRecordException(key, "data checksum mismatch");
        }
        return new Record(key, h.deleteTid(), h.createTs(), h.deleteTs(), data);
    }

    /** Decodes a stored value without its data, checking the record CRC (the data is not read). */
    public static Record readHead(RecordKey key, ByteBuffer b) {
        Header h = Header.read(key, b);
        return new Record(key, h.deleteTid(), h.createTs(), h.deleteTs(), null);
    }

    /** A stored value's header, its record CRC checked; {@code b} is left at the data. */
    public record Header(long deleteTid, long createTs, long deleteTs, int dataCrc, int dataLength) {

        public static Header read(RecordKey key, ByteBuffer b) {
            int size = b.remaining();
            if (size < VALUE_HEADER || size > VALUE_HEADER + MAX_DATA) {
                throw new CorruptRecordException(key, "impossible value size " + size);
            }
            long del = b.getLong();
            long cts = b.getLong();
            long dts = b.getLong();
            int dataCrc = b.getInt();
            int recCrc = b.getInt();
            if (recCrc != recordCrc(key, del, cts, dts, dataCrc)) {
                throw new CorruptRecordException(key, "record checksum mismatch");
            }
            if (del != 0 && del == key.createTid()) {
                throw new CorruptRecordException(key, "deleted at its own create TID");
            }
            return new Header(del, cts, dts, dataCrc, size - VALUE_HEADER);
        }
    }

    @Override
    public String toString() {
        return key + " delete=" + Tid.format(deleteTid) + " data=" + data.length;
    }
}
