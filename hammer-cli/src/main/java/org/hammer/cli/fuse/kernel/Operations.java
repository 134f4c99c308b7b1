package org.hammer.cli.fuse.kernel;

/**
 * What a filesystem answers to the kernel, one method per request with its decoded arguments,
 * called on the session's worker threads. Each returns 0 having put its reply's argument into
 * {@code out}, or a (positive) errno; what a filesystem does not override is ENOSYS, which the
 * kernel then stops asking for (as for ACCESS) or turns into an error.
 */
public abstract class Operations {
    protected static final int ENOSYS = 38;
    /** In WRITE's flags: the write clears set-user-id, and set-group-id with group execute. */
    public static final int WRITE_KILL_SUIDGID = Protocol.WRITE_KILL_SUIDGID;
    /** In OPEN's open flags: an O_TRUNC open that clears set-id bits. */
    public static final int OPEN_KILL_SUIDGID = Protocol.OPEN_KILL_SUIDGID;

    /** The session the operations serve, for notifications; set once before the first request. */
    private volatile Session session;

    final void attach(Session s) {
        this.session = s;
    }

    /** The session, to send invalidations through; null before mounting. */
    protected final Session session() {
        return session;
    }

    /** The attributes a SETATTR asks to change ({@code valid}, of the bits below); a time of -1 is "now". */
    public record SetAttr(int valid, long fh, long size, long atimeNs, long mtimeNs, int mode, int uid, int gid) {
        public static final int MODE = Protocol.FATTR_MODE;
        public static final int UID = Protocol.FATTR_UID;
        public static final int GID = Protocol.FATTR_GID;
        public static final int SIZE = Protocol.FATTR_SIZE;
        public static final int ATIME = Protocol.FATTR_ATIME;
        public static final int MTIME = Protocol.FATTR_MTIME;
        public static final int FH = Protocol.FATTR_FH;
        /** Clear set-user-id, and set-group-id with group execute, as the truncate or chown does on a local disk. */
        public static final int KILL_SUIDGID = Protocol.FATTR_KILL_SUIDGID;

        public boolean has(int bit) {
            return (valid & bit) != 0;
        }
    }

    /** Every request's opcode, before it is handled (metrics). */
    public void request(int opcode) {
    }

    public int lookup(Request r, String name, Reply out) {
        return ENOSYS;
    }

    /** The kernel forgets {@code count} lookups of a node; no reply. */
    public void forget(long nodeId, long count) {
    }

    /** GETATTR; {@code fh} is 0 unless the kernel asks through an open file. */
    public int getattr(Request r, long fh, Reply out) {
        return ENOSYS;
    }

    public int setattr(Request r, SetAttr a, Reply out) {
        return ENOSYS;
    }

    public int readlink(Request r, Reply out) {
        return ENOSYS;
    }

    public int symlink(Request r, String name, String target, Reply out) {
        return ENOSYS;
    }

    public int mknod(Request r, String name, int mode, int rdev, int umask, Reply out) {
        return ENOSYS;
    }

    public int mkdir(Request r, String name, int mode, int umask, Reply out) {
        return ENOSYS;
    }

    public int unlink(Request r, String name) {
        return ENOSYS;
    }

    public int rmdir(Request r, String name) {
        return ENOSYS;
    }

    /** RENAME and RENAME2; {@code flags} are renameat2's (RENAME_NOREPLACE, RENAME_EXCHANGE). */
    public int rename(Request r, String name, long newDir, String newName, int flags) {
        return ENOSYS;
    }

    public int link(Request r, long oldNode, String newName, Reply out) {
        return ENOSYS;
    }

    /**
     * OPEN, with fuse_open_in's open_flags ({@link #OPEN_KILL_SUIDGID}), or -1 where the kernel
     * does not leave clearing set-id bits to the filesystem (no HANDLE_KILLPRIV_V2).
     */
    public int open(Request r, int flags, int openFlags, Reply out) {
        return ENOSYS;
    }

    public int read(Request r, long fh, long offset, int size, Reply out) {
        return ENOSYS;
    }

    /**
     * WRITE of {@code data} (the request's payload, copied), which this call owns: it
     * {@linkplain Payload#release releases} it, now or once a written-back write has used it (one
     * it fails to release is not reused, never released early). Answers with {@link Reply#written}. {@code writeFlags} has
     * {@link #WRITE_KILL_SUIDGID} when the writer lacks CAP_FSETID.
     */
    public int write(Request r, long fh, long offset, Payload data, int writeFlags, Reply out) {
        data.release();
        return ENOSYS;
    }

    public int statfs(Request r, Reply out) {
        return ENOSYS;
    }

    public int release(Request r, long fh, int flags) {
        return 0;
    }

    public int fsync(Request r, long fh, boolean datasync) {
        return ENOSYS;
    }

    public int setxattr(Request r, String name, byte[] value, int flags) {
        return ENOSYS;
    }

    /** GETXATTR: with {@code size} 0 the kernel asks only for the value's size. */
    public int getxattr(Request r, String name, int size, Reply out) {
        return ENOSYS;
    }

    public int listxattr(Request r, int size, Reply out) {
        return ENOSYS;
    }

    public int removexattr(Request r, String name) {
        return ENOSYS;
    }

    public int flush(Request r, long fh) {
        return ENOSYS;
    }

    /**
     * OPENDIR; {@code declinable}: the kernel offered NO_OPENDIR_SUPPORT (Linux 5.1 on), so that
     * ENOSYS means it opens every directory without asking from then on, where an older kernel
     * would fail the open with it.
     */
    public int opendir(Request r, int flags, boolean declinable, Reply out) {
        return ENOSYS;
    }

    /** READDIR or, with {@code plus}, READDIRPLUS: entries after {@code offset}, at most {@code size} bytes. */
    public int readdir(Request r, long fh, long offset, int size, boolean plus, Reply out) {
        return ENOSYS;
    }

    public int releasedir(Request r, long fh) {
        return 0;
    }

    public int fsyncdir(Request r, long fh) {
        return ENOSYS;
    }

    public int access(Request r, int mask) {
        return ENOSYS;
    }

    /** CREATE: answers with {@link Reply#entry} then {@link Reply#open}. */
    public int create(Request r, String name, int flags, int mode, int umask, Reply out) {
        return ENOSYS;
    }

    /** The connection ends (DESTROY, or the device is gone). */
    public void destroy() {
    }
}
