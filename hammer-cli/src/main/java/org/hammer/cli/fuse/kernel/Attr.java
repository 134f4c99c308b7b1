package org.hammer.cli.fuse.kernel;

/**
 * The attributes of a node as the kernel gets them (struct fuse_attr): times in nanoseconds since
 * the epoch, {@code mode} with its file-type bits.
 */
public record Attr(long ino, long size, long blocks, long atimeNs, long mtimeNs, long ctimeNs, int mode, int nlink,
        int uid, int gid, int rdev, int blksize) {
    /** No attributes: those of an entry without a node (a name that is not there). */
    public static final Attr NONE = new Attr(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
