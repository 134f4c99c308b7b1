package org.hammer.core.cpdup;

import org.hammer.core.btree.Inode;

/**
 * What the walk compares of one object on either side: {@code mode} with the file type bits,
 * owner, size, times in nanoseconds, device number, link count, and identity ({@code dev}, {@code ino}).
 */
record Meta(int mode, int uid, int gid, long size, long atimeNs, long mtimeNs, long rdev, int nlink, long dev,
        long ino) {

    int type() {
        return mode & Inode.S_IFMT;
    }

    int perm() {
        return mode & 07777;
    }

    boolean isDir() {
        return type() == Inode.S_IFDIR;
    }

    boolean isRegular() {
        return type() == Inode.S_IFREG;
    }

    boolean isSymlink() {
        return type() == Inode.S_IFLNK;
    }

    /** Fifos, device nodes and sockets. */
    boolean isSpecial() {
        return !isDir() && !isRegular() && !isSymlink();
    }

    FileId id() {
        return new FileId(dev, ino);
    }

    static Meta of(long ino, Inode i) {
        return new Meta(i.mode(), i.uid(), i.gid(), i.size(), i.atimeNs(), i.mtimeNs(), i.rdev(), i.nlink(), 0, ino);
    }
}
