package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.hammer.core.lmdb.Posix;

/**
 * One entry of the kernel's FUSE over io_uring queues (Linux 6.14 on, protocol 7.42): an io_uring
 * of the serving thread's own, bound to the CPU whose callers' requests the entry receives, and
 * the two buffers the kernel reads and writes, registered once. Each request arrives in them and
 * its reply leaves from them; {@link #next} hands the reply over and waits for the next request in
 * one system call, where /dev/fuse takes a write and a read, and the request is served on the CPU
 * its caller waits on. The system calls are in hammer's native library.
 *
 * <p>The header buffer holds, from the kernel's fuse.h: {@code in_out} (128 bytes: the
 * fuse_in_header of a request, the fuse_out_header of its reply), {@code op_in} (128 bytes: the
 * request's first argument structure) and fuse_uring_ent_in_out (flags, commit_id, payload_sz).
 * The payload holds the rest of the request's arguments, then the reply's.
 */
final class Ring implements AutoCloseable {
    static final int REGISTER = 1;
    static final int COMMIT_AND_FETCH = 2;
    static final int OP_IN = 128;
    static final int ENT_IN_OUT = 256;
    static final int COMMIT_ID = ENT_IN_OUT + 8;
    static final int PAYLOAD_SIZE = ENT_IN_OUT + 16;
    /** The header buffer's size: a page, of which the kernel uses the first 288 bytes. */
    static final int HEADER = 4096;

    private final long ring;
    final ByteBuffer header;
    final ByteBuffer payload;
    private boolean registered;

    private Ring(long ring, ByteBuffer header, ByteBuffer payload) {
        this.ring = ring;
        this.header = header;
        this.payload = payload;
    }

    /**
     * A ring entry of queue {@code qid} of the connection on {@code dev}, over {@code memory} (a
     * direct buffer: a header page, then the payload); with {@code bind}, binds the calling thread
     * to CPU {@code qid}.
     * Throws {@link IllegalStateException} naming the errno if the kernel has no io_uring.
     */
    static Ring open(int dev, int qid, boolean bind, ByteBuffer memory) {
        Posix.loadNative();
        ByteBuffer header = memory.slice(0, HEADER).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer payload = memory.slice(HEADER, memory.capacity() - HEADER).order(ByteOrder.LITTLE_ENDIAN);
        long r = open(dev, qid, bind, header, payload);
        if (r < 0) {
            throw new IllegalStateException("io_uring_setup: " + Libc.strerror((int) -r));
        }
        return new Ring(r, header, payload);
    }

    /**
     * Why this process cannot serve through rings (no native library, or io_uring refused, as
     * with kernel.io_uring_disabled), or null if it can.
     */
    static String unavailable() {
        try {
            Posix.loadNative();
            int r = probe();
            return r == 0 ? null : "io_uring_setup: " + Libc.strerror(-r);
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage();
        }
    }

    /**
     * Commits the reply now in the buffers (none before the first call, which registers the entry)
     * and waits for the next request: 0 when one is in the buffers, else the negative errno
     * (-ENOTCONN, -ECONNABORTED or -ECANCELED: the connection has ended).
     */
    int next() {
        if (!registered) {
            registered = true;
            return next(ring, REGISTER, 0);
        }
        return next(ring, COMMIT_AND_FETCH, header.getLong(COMMIT_ID));
    }

    @Override
    public void close() {
        close(ring);
    }

    private static native long open(int dev, int qid, boolean bind, ByteBuffer header, ByteBuffer payload);

    private static native int probe();

    private static native int next(long ring, int cmd, long commitId);

    private static native void close(long ring);
}
