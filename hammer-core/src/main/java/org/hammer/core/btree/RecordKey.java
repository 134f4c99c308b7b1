package org.hammer.core.btree;

import java.nio.ByteBuffer;
import org.hammer.core.tid.Tid;

/**
 * A record's B-tree key: {@code pfs u16 | obj u64 | type u8 | key u64 | create_tid u64}, encoded
 * big-endian so that byte order is numeric order (DESIGN.md §3).
 */
public record RecordKey(int pfs, long obj, RecordType type, long key, long createTid)
        implements Comparable<RecordKey> {

    public static final int BYTES = 2 + 8 + 1 + 8 + 8;

    public RecordKey {
        if (pfs < 0 || pfs > 0xFFFF) {
            throw new IllegalArgumentException("PFS id out of range: " + pfs);
        }
        if (type == null) {
            throw new IllegalArgumentException("record type missing");
        }
    }

    public RecordKey withPfs(int newPfs) {
        return new RecordKey(newPfs, obj, type, key, createTid);
    }

    public void writeTo(ByteBuffer b) {
        b.putShort((short) pfs).putLong(obj).put((byte) type.code()).putLong(key).putLong(createTid);
    }

    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        writeTo(b);
        return b.array();
    }

    /** Reads a key; returns null when the type code is unknown. */
    public static RecordKey readFrom(ByteBuffer b) {
        int pfs = Short.toUnsignedInt(b.getShort());
        long obj = b.getLong();
        RecordType type = RecordType.ofCode(Byte.toUnsignedInt(b.get()));
        long key = b.getLong();
        long create = b.getLong();
        return type == null ? null : new RecordKey(pfs, obj, type, key, create);
    }

    /** Reads a key at {@code at} without moving {@code b}; returns null when the type code is unknown. */
    public static RecordKey readAt(ByteBuffer b, int at) {
        RecordType type = RecordType.ofCode(Byte.toUnsignedInt(b.get(at + 10)));
        return type == null ? null : new RecordKey(Short.toUnsignedInt(b.getShort(at)), b.getLong(at + 2), type,
                keyAt(b, at), createTidAt(b, at));
    }

    /** The key field of the encoded key at {@code at}, without decoding the rest. */
    public static long keyAt(ByteBuffer b, int at) {
        return b.getLong(at + 11);
    }

    /** The create TID of the encoded key at {@code at}, without decoding the rest. */
    public static long createTidAt(ByteBuffer b, int at) {
        return b.getLong(at + 19);
    }

    public static RecordKey fromBytes(byte[] bytes) {
        return readFrom(ByteBuffer.wrap(bytes));
    }

    @Override
    public int compareTo(RecordKey o) {
        int c = Integer.compare(pfs, o.pfs);
        if (c == 0) {
            c = Long.compareUnsigned(obj, o.obj);
        }
        if (c == 0) {
            c = Integer.compare(type.code(), o.type.code());
        }
        if (c == 0) {
            c = Long.compareUnsigned(key, o.key);
        }
        if (c == 0) {
            c = Long.compareUnsigned(createTid, o.createTid);
        }
        return c;
    }

    /** The key as messages name it: PFS, object, type, key and create TID. */
    public String describe() {
        return String.format("PFS %05d object 0x%016x %s key 0x%016x created %s", pfs, obj, type, key,
                Tid.format(createTid));
    }

    @Override
    public String toString() {
        return String.format("pfs=%05d obj=%016x rt=%02x key=%016x create=%s", pfs, obj, type.code(), key,
                Tid.format(createTid));
    }
}
