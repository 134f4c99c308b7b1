package org.hammer.core.btree;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.hammer.core.HammerException;

/**
 * The data of a DIRENTRY record: the child's object id, its file type and its name. The record
 * key is {@link #hashKey} of the name plus a collision index in the low 16 bits.
 */
public record DirEntry(long child, int fileType, String name) {

    public byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + 4 + n.length).putLong(child).putInt(fileType).put(n).array();
    }

    public static DirEntry decode(byte[] data) {
        if (data.length < 13) {
            throw HammerException.corrupt("directory entry record: " + data.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        long child = b.getLong();
        int type = b.getInt();
        return new DirEntry(child, type, new String(data, 12, data.length - 12, StandardCharsets.UTF_8));
    }

    /**
     * How many names that share a hash a directory takes: their keys are the hash's first 32,767,
     * so that a key's order fits the 63 bits of a readdir offset (the 48 bits of the hash, then 15
     * of the index). Extended attributes, never read by offset, take the range's 65,536.
     */
    public static final int NAMES_PER_HASH = 0x7FFF;

    /** First key of the collision range of a name: a 64-bit FNV-1a hash with the low 16 bits clear. */
    public static long hashKey(String name) {
        return hashKey(name.getBytes(StandardCharsets.UTF_8));
    }

    public static long hashKey(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte x : bytes) {
            h ^= (x & 0xff);
            h *= 0x100000001b3L;
        }
        h &= ~0xFFFFL;
        // Keys below 0x10000 are kept free so readdir cookies 0..2 can stand for start, "." and "..".
        return h == 0 ? 0x10000L : h;
    }
}
