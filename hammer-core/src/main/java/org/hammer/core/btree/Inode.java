package org.hammer.core.btree;

import java.nio.ByteBuffer;
import org.hammer.core.HammerException;

/**
 * The data of an INODE record: POSIX attributes with nanosecond times. {@code mode} carries the
 * file type bits ({@code S_IFMT}) as stat(2) does; {@code parent} is the directory an object was
 * created in (the ".." of a directory). {@code blockBytes}, for a regular file made in a store of
 * format 4 or later, is the sum of the sizes of its stored blocks (16 or 64 KiB each, whatever of
 * them lies past its end included), kept by every write and truncate, so that st_blocks needs no
 * walk over them; {@link #UNCOUNTED} for any other object and any file made before (layout 1,
 * which has no such field).
 */
public record Inode(int mode, int uid, int gid, int nlink, long size, long rdev, long atimeNs,
        long mtimeNs, long ctimeNs, long parent, long blockBytes) {

    /** {@link #blockBytes} of an object whose blocks are not counted in its inode. */
    public static final long UNCOUNTED = -1;

    public static final int S_IFMT = 0170000;
    public static final int S_IFIFO = 0010000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFBLK = 0060000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFSOCK = 0140000;
    public static final int S_ISUID = 04000;
    public static final int S_ISGID = 02000;
    public static final int S_ISVTX = 01000;
    public static final int S_IXGRP = 00010;

    private static final int VERSION = 1;
    private static final int BYTES = 1 + 4 * 4 + 8 * 6;
    /** Layout 2: layout 1 and {@link #blockBytes} (store format 4). */
    private static final int COUNTED = 2;
    private static final int COUNTED_BYTES = BYTES + 8;
    /** Every block is 16 KiB or 64 KiB: a count of their sizes is a multiple of 16 KiB. */
    private static final long BLOCK_UNIT = 16 * 1024;

    /** An inode without a count of its blocks (layout 1). */
    public Inode(int mode, int uid, int gid, int nlink, long size, long rdev, long atimeNs, long mtimeNs, long ctimeNs,
            long parent) {
        this(mode, uid, gid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, parent, UNCOUNTED);
    }

    public boolean counted() {
        return blockBytes != UNCOUNTED;
    }

    public int fileType() {
        return mode & S_IFMT;
    }

    public boolean isDir() {
        return fileType() == S_IFDIR;
    }

    public boolean isRegular() {
        return fileType() == S_IFREG;
    }

    public boolean isSymlink() {
        return fileType() == S_IFLNK;
    }

    public Inode withMode(int perm) {
        return new Inode((mode & S_IFMT) | (perm & 07777), uid, gid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs,
                parent, blockBytes);
    }

    public Inode withOwner(int newUid, int newGid) {
        return new Inode(mode, newUid, newGid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, parent, blockBytes);
    }

    public Inode withNlink(int n) {
        return new Inode(mode, uid, gid, n, size, rdev, atimeNs, mtimeNs, ctimeNs, parent, blockBytes);
    }

    public Inode withSize(long s) {
        return new Inode(mode, uid, gid, nlink, s, rdev, atimeNs, mtimeNs, ctimeNs, parent, blockBytes);
    }

    public Inode withTimes(long a, long m, long c) {
        return new Inode(mode, uid, gid, nlink, size, rdev, a, m, c, parent, blockBytes);
    }

    public Inode withParent(long p) {
        return new Inode(mode, uid, gid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, p, blockBytes);
    }

    /** This inode with {@code bytes} of stored blocks ({@link #UNCOUNTED}: no count kept). */
    public Inode withBlockBytes(long bytes) {
        return new Inode(mode, uid, gid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, parent, bytes);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(counted() ? COUNTED_BYTES : BYTES);
        b.put((byte) (counted() ? COUNTED : VERSION)).putInt(mode).putInt(uid).putInt(gid).putInt(nlink).putLong(size)
                .putLong(rdev).putLong(atimeNs).putLong(mtimeNs).putLong(ctimeNs).putLong(parent);
        if (counted()) {
            b.putLong(blockBytes);
        }
        return b.array();
    }

    /**
     * Reads either layout; the count of layout 2 must be what blocks can add up to (not negative, a
     * multiple of 16 KiB). Anything else is CORRUPT.
     */
    public static Inode decode(byte[] data) {
        boolean counted = isCounted(data);
        if (!counted && (data.length != BYTES || data[0] != VERSION)) {
            throw HammerException.corrupt("inode record: unknown layout (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, data.length - 1);
        Inode i = new Inode(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong(), b.getLong(), counted ? b.getLong() : UNCOUNTED);
        if (counted && (i.blockBytes < 0 || i.blockBytes % BLOCK_UNIT != 0)) {
            throw HammerException.corrupt("inode record: a count of stored blocks no blocks add up to ("
                    + i.blockBytes + " bytes)");
        }
        return i;
    }

    /** True for the data of an INODE record in layout 2, which a store before format 4 does not hold. */
    public static boolean isCounted(byte[] data) {
        return data.length == COUNTED_BYTES && data[0] == COUNTED;
    }
}
