package org.hammer.core.btree;

import java.nio.ByteBuffer;
import org.hammer.core.HammerException;

/**
 * The data of an INODE record: POSIX attributes with nanosecond times. {@code mode} carries the
 * file type bits ({@code S_IFMT}) as stat(2) does; {@code parent} is the directory an object was
 * created in (the ".." of a directory).
 */
public record Inode(int mode, int uid, int gid, int nlink, long size, long rdev, long atimeNs,
        long mtimeNs, long ctimeNs, long parent) {

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
                parent);
    }

    public Inode withOwner(int newUid, int newGid) {
        return new Inode(mode, newUid, newGid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, parent);
    }

    public Inode withNlink(int n) {
        return new Inode(mode, uid, gid, n, size, rdev, atimeNs, mtimeNs, ctimeNs, parent);
    }

    public Inode withSize(long s) {
        return new Inode(mode, uid, gid, nlink, s, rdev, atimeNs, mtimeNs, ctimeNs, parent);
    }

    public Inode withTimes(long a, long m, long c) {
        return new Inode(mode, uid, gid, nlink, size, rdev, a, m, c, parent);
    }

    public Inode withParent(long p) {
        return new Inode(mode, uid, gid, nlink, size, rdev, atimeNs, mtimeNs, ctimeNs, p);
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES);
        b.put((byte) VERSION).putInt(mode).putInt(uid).putInt(gid).putInt(nlink).putLong(size).putLong(rdev)
                .putLong(atimeNs).putLong(mtimeNs).putLong(ctimeNs).putLong(parent);
        return b.array();
    }

    public static Inode decode(byte[] data) {
        if (data.length != BYTES || data[0] != VERSION) {
            throw HammerException.corrupt("inode record: unknown layout (" + data.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(data, 1, BYTES - 1);
        return new Inode(b.getInt(), b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getLong(), b.getLong(),
                b.getLong(), b.getLong(), b.getLong());
    }
}
