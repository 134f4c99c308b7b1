package org.hammer.cli.fuse;

import jnr.ffi.Pointer;

/**
 * The raw FUSE messages between the kernel and libfuse2 that the mount looks into, on the worker
 * thread that handles them ({@link FuseLoop}); layouts from include/uapi/linux/fuse.h.
 *
 * <p>Why: libfuse's {@code hard_remove} leaves an unlinked open file (an orphan) without a path,
 * and its high-level API fails every request about such a node that carries no file handle. The
 * kernel sends fstat's GETATTR without one. So the exchange learns which kernel node (libfuse node
 * id) each file handle was opened on, from OPEN requests and CREATE replies, and puts a handle of
 * the orphan into a GETATTR of an orphan's node, which libfuse then answers through fgetattr.
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
    /** struct iovec: iov_base, iov_len. */
    private static final int IOVEC = 16;
    private static final int GETATTR = 3;
    private static final int OPEN = 14;
    private static final int CREATE = 35;

    private final Handles handles;
    /** The request this worker thread handles: opcode, unique, node id. */
    private final ThreadLocal<long[]> current = ThreadLocal.withInitial(() -> new long[3]);

    Exchange(Handles handles) {
        this.handles = handles;
    }

    /** A request of {@code size} bytes as received into {@code buf}, before libfuse handles it. */
    void request(Pointer buf, long size) {
        long[] c = current.get();
        c[0] = size < IN_HEADER ? 0 : buf.getInt(4);
        c[1] = size < IN_HEADER ? 0 : buf.getLong(8);
        c[2] = size < IN_HEADER ? 0 : buf.getLong(16);
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
        if ((c[0] != OPEN && c[0] != CREATE) || count < 2) {
            return;
        }
        Pointer header = iov.getPointer(0);
        if (header.getInt(OUT_ERROR) != 0 || header.getLong(OUT_UNIQUE) != c[1]) {
            return;
        }
        Pointer arg = iov.getPointer(IOVEC);
        long len = iov.getLong(IOVEC + 8);
        if (len < OPEN_OUT) {
            return;
        }
        long fh = arg.getLong(len - OPEN_OUT);
        // fuse_entry_out starts with the new node's id; an OPEN is about the request's node.
        handles.opened(fh, c[0] == OPEN ? c[2] : arg.getLong(0));
    }
}
