package org.hammer.cli.fuse.kernel;

import static org.hammer.cli.fuse.kernel.Protocol.*;

import org.hammer.core.fs.Committer;

/**
 * Decodes each request's argument structure (layouts from fuse.h, protocol 7.33) and calls the
 * operation it asks for; INIT, INTERRUPT and the FORGETs are answered here.
 */
final class Dispatcher {
    static final int EIO = 5;
    static final int EPROTO = 71;
    /** What the mount asks of the kernel at INIT, of what the kernel offers. */
    static final int WANTED = ASYNC_READ | ATOMIC_O_TRUNC | BIG_WRITES | AUTO_INVAL_DATA | DO_READDIRPLUS
            | READDIRPLUS_AUTO | PARALLEL_DIROPS | MAX_PAGES | HANDLE_KILLPRIV_V2 | NO_OPENDIR_SUPPORT;
    /** The largest write and read: 1 MiB, 256 pages of 4 KiB. */
    static final int MAX_WRITE = 1 << 20;
    static final int MAX_PAGES_COUNT = MAX_WRITE / 4096;

    /**
     * Direct buffers for WRITE payloads: as many as the write-back queue holds of 1 MiB writes
     * ({@code Committer.MAX_QUEUED}), and one per worker besides.
     */
    static final int PAYLOAD_BUFFERS = (int) (Committer.MAX_QUEUED / MAX_WRITE) + 8;

    private final Operations ops;
    private final boolean writebackCache;
    /** The least readahead INIT answers with, in bytes (the kernel keeps the smaller of it and the device's). */
    private final int readahead;
    private final Payload.Pool payloads = new Payload.Pool(PAYLOAD_BUFFERS);
    private volatile int negotiatedFlags;
    private volatile int negotiatedMinor;
    /** Whether INIT asks for FUSE over io_uring where the kernel offers it. */
    private volatile boolean rings;
    private volatile boolean ringsAgreed;

    Dispatcher(Operations ops, boolean writebackCache) {
        this(ops, writebackCache, 0);
    }

    Dispatcher(Operations ops, boolean writebackCache, int readahead) {
        this.ops = ops;
        this.writebackCache = writebackCache;
        this.readahead = readahead;
    }

    int flags() {
        return negotiatedFlags;
    }

    int minor() {
        return negotiatedMinor;
    }

    /** Asks for FUSE over io_uring at INIT, if the kernel offers it (before INIT). */
    void rings(boolean wanted) {
        this.rings = wanted;
    }

    /** True once INIT has agreed on FUSE over io_uring: the queues' entries may be registered. */
    boolean ringsAgreed() {
        return ringsAgreed;
    }

    /** The pool of WRITE payload buffers (for tests). */
    Payload.Pool payloads() {
        return payloads;
    }

    /** Handles one request; returns the errno to answer with (0: what {@code out} holds). */
    int dispatch(Request r, Reply out) {
        int off;
        ops.request(r.opcode());
        switch (r.opcode()) {
            case INIT:
                return init(r, out);
            case LOOKUP:
                return ops.lookup(r, r.name(0), out);
            case FORGET:
                out.none();
                ops.forget(r.nodeId(), r.u64(0));
                return 0;
            case BATCH_FORGET:
                out.none();
                int count = r.u32(0);
                for (int i = 0; i < count; i++) {
                    ops.forget(r.u64(8 + 16 * i), r.u64(16 + 16 * i));
                }
                return 0;
            case INTERRUPT:
                // Every operation here finishes on its own; the interrupted request is answered then.
                out.none();
                return 0;
            case GETATTR:
                return ops.getattr(r, (r.u32(0) & GETATTR_FH) != 0 ? r.u64(8) : 0, out);
            case SETATTR:
                return ops.setattr(r, setattr(r), out);
            case READLINK:
                return ops.readlink(r, out);
            case SYMLINK:
                return ops.symlink(r, r.name(0), r.nameAfter(0), out);
            case MKNOD:
                return ops.mknod(r, r.name(16), r.u32(0), r.u32(4), r.u32(8), out);
            case MKDIR:
                return ops.mkdir(r, r.name(8), r.u32(0), r.u32(4), out);
            case UNLINK:
                return ops.unlink(r, r.name(0));
            case RMDIR:
                return ops.rmdir(r, r.name(0));
            case RENAME:
                return ops.rename(r, r.name(8), r.u64(0), r.nameAfter(8), 0);
            case RENAME2:
                return ops.rename(r, r.name(16), r.u64(0), r.nameAfter(16), r.u32(8));
            case LINK:
                return ops.link(r, r.u64(0), r.name(8), out);
            case OPEN:
                return ops.open(r, r.u32(0), (negotiatedFlags & HANDLE_KILLPRIV_V2) != 0 ? r.u32(4) : -1, out);
            case READ:
                return ops.read(r, r.u64(0), r.u64(8), r.u32(16), out);
            case WRITE:
                int size = r.u32(16);
                // The operation owns the payload from here, whatever happens (a pooled buffer
                // released while a queued write still uses it would corrupt that write).
                return ops.write(r, r.u64(0), r.u64(8), r.payload(WRITE_IN, size, payloads), r.u32(20), out);
            case STATFS:
                return ops.statfs(r, out);
            case RELEASE:
                return ops.release(r, r.u64(0), r.u32(8));
            case FSYNC:
                return ops.fsync(r, r.u64(0), (r.u32(8) & 1) != 0);
            case SETXATTR:
                off = r.after(8);
                return ops.setxattr(r, r.name(8), r.bytes(off, r.u32(0)), r.u32(4));
            case GETXATTR:
                return ops.getxattr(r, r.name(8), r.u32(0), out);
            case LISTXATTR:
                return ops.listxattr(r, r.u32(0), out);
            case REMOVEXATTR:
                return ops.removexattr(r, r.name(0));
            case FLUSH:
                return ops.flush(r, r.u64(0));
            case OPENDIR:
                return ops.opendir(r, r.u32(0), (negotiatedFlags & NO_OPENDIR_SUPPORT) != 0, out);
            case READDIR:
                return ops.readdir(r, r.u64(0), r.u64(8), r.u32(16), false, out);
            case READDIRPLUS:
                return ops.readdir(r, r.u64(0), r.u64(8), r.u32(16), true, out);
            case RELEASEDIR:
                return ops.releasedir(r, r.u64(0));
            case FSYNCDIR:
                return ops.fsyncdir(r, r.u64(0));
            case ACCESS:
                return ops.access(r, r.u32(0));
            case CREATE:
                return ops.create(r, r.name(16), r.u32(0), r.u32(4), r.u32(8), out);
            case DESTROY:
                ops.destroy();
                return 0;
            default:
                return Operations.ENOSYS;
        }
    }

    /** fuse_setattr_in: valid, padding, fh, size, lock_owner, atime, mtime, ctime, three nsec, mode, -, uid, gid. */
    static Operations.SetAttr setattr(Request r) {
        int valid = r.u32(0);
        long atime = (valid & FATTR_ATIME_NOW) != 0 ? -1 : r.u64(32) * 1_000_000_000L + r.u32(56);
        long mtime = (valid & FATTR_MTIME_NOW) != 0 ? -1 : r.u64(40) * 1_000_000_000L + r.u32(60);
        return new Operations.SetAttr(valid, r.u64(8), r.u64(16), atime, mtime, r.u32(68), r.u32(76), r.u32(80));
    }

    /**
     * INIT: a kernel with a newer major version is told ours and asks again; an older one is
     * refused. The minor version is the lower of both, the flags those both want.
     */
    private int init(Request r, Reply out) {
        int major = r.u32(0);
        int minor = r.u32(4);
        int readahead = Math.max(r.u32(8), this.readahead);
        int offered = r.u32(12);
        if (major < MAJOR) {
            return EPROTO;
        }
        if (major > MAJOR) {
            out.init(MAJOR, MINOR, 0, 0, 0, 0, 0, 0, 0);
            return 0;
        }
        int want = WANTED | (writebackCache ? WRITEBACK_CACHE : 0);
        // flags2 (fuse_init_in from 7.36 is 64 bytes): FUSE over io_uring, if offered and wanted.
        int offered2 = (offered & INIT_EXT) != 0 && r.argLength() >= 20 ? r.u32(16) : 0;
        boolean uring = rings && (offered2 & OVER_IO_URING2) != 0;
        negotiatedFlags = offered & want | (uring ? INIT_EXT : 0);
        negotiatedMinor = Math.min(minor, MINOR);
        out.init(MAJOR, negotiatedMinor, readahead, negotiatedFlags, uring ? OVER_IO_URING2 : 0, 64, 48, MAX_WRITE, 1,
                MAX_PAGES_COUNT);
        ringsAgreed = uring;
        return 0;
    }
}
