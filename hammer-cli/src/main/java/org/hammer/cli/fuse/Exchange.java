package org.hammer.cli.fuse;

import jnr.ffi.Pointer;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.btree.Inode;

/**
 * The raw FUSE messages between the kernel and libfuse2 that the mount looks into, on the worker
 * thread that handles them ({@link FuseLoop}); layouts from include/uapi/linux/fuse.h.
 *
 * <p>Why: libfuse's {@code hard_remove} leaves an unlinked open file (an orphan) without a path,
 * and its high-level API fails every request about such a node that carries no file handle. The
 * kernel sends fstat's GETATTR without one. So the exchange learns which kernel node (libfuse node
 * id) each file handle was opened on, from OPEN requests and CREATE replies, and puts a handle of
 * the orphan into a GETATTR of an orphan's node, which libfuse then answers through fgetattr.
 *
 * <p>It also gives the attributes of a directory, in every reply that carries them, the time the
 * kernel may keep them: as long as it keeps names ({@code entry_timeout}), where libfuse2 has one
 * timeout for all attributes, which must be 0 for files (each name of a hard-linked file is a
 * kernel inode of its own, so cached sizes would go stale). A directory has one name, and the
 * kernel drops its cached attributes itself when it changes through the mount; without this,
 * the kernel's permission checks ({@code default_permissions}) would fetch the attributes of
 * every directory of every path they walk.
 */
final class Exchange {
    /** fuse_in_header: len u32, opcode u32, unique u64, nodeid u64, uid, gid, pid, padding u32. */
    private static final int IN_HEADER = 40;
    /** fuse_getattr_in: getattr_flags u32, dummy u32, fh u64. */
    private static final int GETATTR_IN = 16;
    private static final int GETATTR_FH = 1;
    /** fuse_out_header: len u32, error i32, unique u64. */
    private static final int OUT_ERROR = 4;
    private static final int OUT_UNIQUE = 8;
    /** fuse_open_out (fh u64, open_flags u32, padding u32), last in the OPEN and CREATE replies. */
    private static final int OPEN_OUT = 16;
    /** fuse_attr_out: attr_valid u64, attr_valid_nsec u32, dummy u32, fuse_attr. */
    private static final int ATTR_OUT_ATTR = 16;
    /** fuse_entry_out: nodeid, generation, entry_valid, attr_valid u64; two nsec u32; fuse_attr. */
    private static final int ENTRY_OUT_ATTR_VALID = 24;
    private static final int ENTRY_OUT_ATTR_VALID_NSEC = 36;
    private static final int ENTRY_OUT_ATTR = 40;
    /** fuse_attr: ino, size, blocks, atime, mtime, ctime u64; three nsec u32; mode u32; ... (88 bytes). */
    private static final int ATTR_MODE = 60;
    private static final int ATTR_SIZE = 88;
    /** struct iovec: iov_base, iov_len. */
    private static final int IOVEC = 16;
    private static final int LOOKUP = 1;
    private static final int GETATTR = 3;
    private static final int SETATTR = 4;
    private static final int SYMLINK = 6;
    private static final int MKNOD = 8;
    private static final int MKDIR = 9;
    private static final int LINK = 13;
    private static final int OPEN = 14;
    private static final int CREATE = 35;

    private static final int READ = 15;
    private static final int WRITE = 16;
    /** fuse_write_in: fh u64, offset u64, size u32, ... */
    private static final int WRITE_IN_SIZE = 16;
    /** fuse_out_header's size: the data of a READ reply follows it. */
    private static final int OUT_HEADER = 16;

    private final Handles handles;
    private final MountProbe probe;
    private final long dirAttrSeconds;
    private final int dirAttrNanos;
    /** The request this worker thread handles: opcode, unique, node id. */
    private final ThreadLocal<long[]> current = ThreadLocal.withInitial(() -> new long[3]);

    /** An exchange that lets the kernel keep a directory's attributes for {@code dirAttrTimeout} seconds. */
    Exchange(Handles handles, double dirAttrTimeout) {
        this(handles, dirAttrTimeout, MountProbe.NONE);
    }

    /** As above, telling {@code probe} of each request and the bytes read and written (metrics). */
    Exchange(Handles handles, double dirAttrTimeout, MountProbe probe) {
        this.handles = handles;
        this.probe = probe;
        this.dirAttrSeconds = (long) dirAttrTimeout;
        this.dirAttrNanos = (int) Math.round((dirAttrTimeout - dirAttrSeconds) * 1e9);
    }

    /** A request of {@code size} bytes as received into {@code buf}, before libfuse handles it. */
    void request(Pointer buf, long size) {
        long[] c = current.get();
        c[0] = size < IN_HEADER ? 0 : buf.getInt(4);
        c[1] = size < IN_HEADER ? 0 : buf.getLong(8);
        c[2] = size < IN_HEADER ? 0 : buf.getLong(16);
        if (probe != MountProbe.NONE && size >= IN_HEADER) {
            probe.operation((int) c[0]);
            if (c[0] == WRITE && size >= IN_HEADER + WRITE_IN_SIZE + 4) {
                probe.written(Integer.toUnsignedLong(buf.getInt(IN_HEADER + WRITE_IN_SIZE)));
            }
        }
        if (c[0] == GETATTR && size >= IN_HEADER + GETATTR_IN) {
            int flags = buf.getInt(IN_HEADER);
            long fh = (flags & GETATTR_FH) == 0 ? handles.orphanHandle(c[2]) : 0;
            if (fh != 0) {
                buf.putInt(IN_HEADER, flags | GETATTR_FH);
                buf.putLong(IN_HEADER + 8, fh);
            }
        }
    }

    /** A reply of {@code count} iovecs (the header first) about to be written on this thread. */
    void reply(Pointer iov, long count) {
        long[] c = current.get();
        int opcode = (int) c[0];
        if (opcode == READ && probe != MountProbe.NONE && count >= 1) {
            long n = -OUT_HEADER;
            for (int i = 0; i < count; i++) {
                n += iov.getLong(i * IOVEC + 8);
            }
            if (iov.getPointer(0).getInt(OUT_ERROR) == 0 && n > 0) {
                probe.read(n);
            }
        }
        if (count < 2 || !(opcode == OPEN || opcode == CREATE || carriesEntry(opcode) || carriesAttr(opcode))) {
            return;
        }
        Pointer header = iov.getPointer(0);
        if (header.getInt(OUT_ERROR) != 0 || header.getLong(OUT_UNIQUE) != c[1]) {
            return;
        }
        Pointer arg = iov.getPointer(IOVEC);
        long len = iov.getLong(IOVEC + 8);
        if ((opcode == OPEN || opcode == CREATE) && len >= OPEN_OUT) {
            // fuse_entry_out starts with the new node's id; an OPEN is about the request's node.
            handles.opened(arg.getLong(len - OPEN_OUT), opcode == OPEN ? c[2] : arg.getLong(0));
        }
        if (carriesEntry(opcode) && len >= ENTRY_OUT_ATTR + ATTR_SIZE) {
            keepIfDirectory(arg, ENTRY_OUT_ATTR, ENTRY_OUT_ATTR_VALID, ENTRY_OUT_ATTR_VALID_NSEC);
        } else if (carriesAttr(opcode) && len >= ATTR_OUT_ATTR + ATTR_SIZE) {
            keepIfDirectory(arg, ATTR_OUT_ATTR, 0, 8);
        }
    }

    /** Replies with a fuse_entry_out. */
    private static boolean carriesEntry(int opcode) {
        return opcode == LOOKUP || opcode == MKDIR || opcode == MKNOD || opcode == SYMLINK || opcode == LINK
                || opcode == CREATE;
    }

    /** Replies with a fuse_attr_out. */
    private static boolean carriesAttr(int opcode) {
        return opcode == GETATTR || opcode == SETATTR;
    }

    private void keepIfDirectory(Pointer arg, int attr, int valid, int validNsec) {
        if ((arg.getInt(attr + ATTR_MODE) & Inode.S_IFMT) == Inode.S_IFDIR) {
            arg.putLong(valid, dirAttrSeconds);
            arg.putInt(validNsec, dirAttrNanos);
        }
    }
}
