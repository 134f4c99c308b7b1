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
     * Value layout: delete_tid u64, create_ts i64, delete_ts i64, data_crc u32, record_crc u32,
     * data. In store format 3 a value with no data but a data CRC other than 0 (the CRC of no
     * bytes) keeps its data in the blocks table, under the same key ({@link Header#external}).
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

    /** CRC32C of the bytes remaining in {@code data} (left as they are). */
    public static int dataCrc(ByteBuffer data) {
        CRC32C c = new CRC32C();
        c.update(data.duplicate());
        return (int) c.getValue();
    }

    /** CRC32C of the key and the value header up to and including the data CRC. */
    public static int recordCrc(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc) {
        return RecordCrc.PER_THREAD.get().of(key, deleteTid, createTs, deleteTs, dataCrc);
    }

    /**
     * Computes record CRCs, without allocating: one per thread, or one per user that computes
     * many (a store transaction checks one for every entry it reads).
     */
    public static final class RecordCrc {
        static final ThreadLocal<RecordCrc> PER_THREAD = ThreadLocal.withInitial(RecordCrc::new);
        private final byte[] input = new byte[CRC_INPUT];
        private final CRC32C crc = new CRC32C();

        public int of(RecordKey key, long deleteTid, long createTs, long deleteTs, int dataCrc) {
            byte[] a = input;
            a[0] = (byte) (key.pfs() >>> 8);
            a[1] = (byte) key.pfs();
            putLong(a, 2, key.obj());
            a[10] = (byte) key.type().code();
            putLong(a, 11, key.key());
            putLong(a, 19, key.createTid());
            putLong(a, 27, deleteTid);
            putLong(a, 35, createTs);
            putLong(a, 43, deleteTs);
            a[51] = (byte) (dataCrc >>> 24);
            a[52] = (byte) (dataCrc >>> 16);
            a[53] = (byte) (dataCrc >>> 8);
            a[54] = (byte) dataCrc;
            crc.reset();
            crc.update(a, 0, CRC_INPUT);
            return (int) crc.getValue();
        }

        private static void putLong(byte[] a, int at, long v) {
            for (int i = 7; i >= 0; i--) {
                a[at + i] = (byte) v;
                v >>>= 8;
            }
        }
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
     * The record whose value header {@code h} was already read and checked from {@code b} (the
     * whole value, as stored): reads its data and checks the data CRC.
     */
    public static Record withData(RecordKey key, Header h, ByteBuffer b) {
        if (b.remaining() != VALUE_HEADER + h.dataLength()) {
            throw new CorruptRecordException(key, "value changed size while being read");
        }
        byte[] data = new byte[h.dataLength()];
        b.get(b.position() + VALUE_HEADER, data);
        if (dataCrc(data) != h.dataCrc()) {
            throw new CorruptRecordException(key, "data checksum mismatch");
        }
        return new Record(key, h.deleteTid(), h.createTs(), h.deleteTs(), data);
    }

    /**
     * The record whose value header {@code h} was read and checked, with its data from the blocks
     * table ({@code data}, the whole entry), checked against the data CRC.
     */
    public static Record withExternalData(RecordKey key, Header h, ByteBuffer data) {
        byte[] bytes = new byte[data.remaining()];
        data.get(data.position(), bytes);
        if (dataCrc(bytes) != h.dataCrc()) {
            throw new CorruptRecordException(key, "data checksum mismatch");
        }
        return new Record(key, h.deleteTid(), h.createTs(), h.deleteTs(), bytes);
    }

    /** As {@link #withExternalData}, as a read-only view of {@code data} (nothing copied). */
    public static ByteBuffer externalDataView(RecordKey key, Header h, ByteBuffer data) {
        ByteBuffer view = data.slice().asReadOnlyBuffer();
        if (dataCrc(view) != h.dataCrc()) {
            throw new CorruptRecordException(key, "data checksum mismatch");
        }
        return view;
    }

    /**
     * The data of the stored value {@code b} whose header {@code h} was already read and checked,
     * as a read-only view of {@code b} (nothing copied), checked against the data CRC.
     */
    public static ByteBuffer dataView(RecordKey key, Header h, ByteBuffer b) {
        if (b.remaining() != VALUE_HEADER + h.dataLength()) {
            throw new CorruptRecordException(key, "value changed size while being read");
        }
        ByteBuffer data = b.duplicate().position(b.position() + VALUE_HEADER).slice().asReadOnlyBuffer();
        if (dataCrc(data) != h.dataCrc()) {
            throw new CorruptRecordException(key, "data checksum mismatch");
        }
        return data;
    }

    /** A stored value's header, its record CRC checked; reading it leaves the buffer's position as it was. */
    public record Header(long deleteTid, long createTs, long deleteTs, int dataCrc, int dataLength) {

        /**
         * Whether the data lies in the blocks table (store format 3): the value holds none, yet its
         * data CRC is not that of no bytes (0). Data whose CRC is 0 is always kept in the value.
         */
        public boolean external() {
            return dataLength == 0 && dataCrc != 0;
        }

        /** Reads the header at {@code b}'s position (b is left as it is), computing the CRC with {@code crc}. */
        public static Header read(RecordKey key, ByteBuffer b, RecordCrc crc) {
            return read(key, b, b.remaining(), crc);
        }

        /** The same, for a value of {@code size} bytes whose first {@link #VALUE_HEADER} are at {@code b}'s position. */
        public static Header read(RecordKey key, ByteBuffer b, int size, RecordCrc crc) {
            if (size < VALUE_HEADER || size > VALUE_HEADER + MAX_DATA) {
                throw new CorruptRecordException(key, "impossible value size " + size);
            }
            int p = b.position();
            long del = b.getLong(p);
            long cts = b.getLong(p + 8);
            long dts = b.getLong(p + 16);
            int dataCrc = b.getInt(p + 24);
            int recCrc = b.getInt(p + 28);
            if (recCrc != crc.of(key, del, cts, dts, dataCrc)) {
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
