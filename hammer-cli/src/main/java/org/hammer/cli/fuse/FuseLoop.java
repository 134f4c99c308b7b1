package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import org.hammer.core.HammerException;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * libfuse2's session loop, run by a fixed pool of Java threads instead of libfuse's own worker
 * threads: jffi attaches a foreign thread to the JVM and detaches it again on every callback
 * (until its 1000th), which costs about half a millisecond per request, while a Java thread is
 * attached already. This is {@code fuse_main_real} split into {@code fuse_setup}, one
 * receive/process loop per thread (as libfuse's {@code fuse_do_work}), and {@code fuse_teardown}.
 * Requests are processed on a channel of the loop's own ({@code fuse_chan_new}) whose send writes
 * each reply to /dev/fuse as libfuse's own does, so that the {@link Exchange} sees every request
 * before libfuse and every reply before the kernel.
 */
final class FuseLoop {
    /** struct fuse_buf (libfuse 2.9, LP64): size, flags, mem, fd, pos. */
    private static final int FUSE_BUF_SIZE = 40;
    /** fuse_buf_flags: the data is in a pipe, not in mem. */
    private static final int FUSE_BUF_IS_FD = 1 << 1;
    /** struct fuse_chan_ops: receive, send, destroy. */
    private static final int CHAN_OPS_SIZE = 24;
    private static final int EINTR = 4;
    private static final int ENOENT = 2;

    /** The libfuse2 functions jnr-fuse does not declare. */
    public interface Native {
        Pointer fuse_setup(int argc, String[] argv, FuseOperations op, long opSize, PointerByReference mountpoint,
                IntByReference multithreaded, Pointer userData);

        void fuse_teardown(Pointer fuse, Pointer mountpoint);

        Pointer fuse_get_session(Pointer fuse);

        Pointer fuse_session_next_chan(Pointer se, Pointer ch);

        long fuse_chan_bufsize(Pointer ch);

        int fuse_session_receive_buf(Pointer se, Pointer buf, Pointer chp);

        void fuse_session_process_buf(Pointer se, Pointer buf, Pointer ch);

        int fuse_session_exited(Pointer se);

        void fuse_session_exit(Pointer se);

        void fuse_session_reset(Pointer se);

        int fuse_chan_fd(Pointer ch);

        Pointer fuse_chan_new(Pointer op, int fd, long bufsize, Pointer data);

        void fuse_chan_destroy(Pointer ch);
    }

    /** The C library's writev. */
    public interface Libc {
        long writev(int fd, Pointer iov, int iovcnt);
    }

    /** The send operation of a libfuse2 channel. */
    public interface Send {
        @Delegate
        int send(Pointer ch, Pointer iov, long count);
    }

    private static volatile Native lib;

    private final Native n;
    private final Exchange exchange;
    private final Libc libc = LibraryLoader.create(Libc.class).failImmediately().load("c");
    /** Kept reachable while libfuse may call it. */
    private final Send send = this::send;
    private volatile Pointer session;
    private volatile int fd;

    private FuseLoop(Native n, Exchange exchange) {
        this.n = n;
        this.exchange = exchange;
    }

    private static Native lib() {
        if (lib == null) {
            try {
                lib = LibraryLoader.create(Native.class).failImmediately().load("fuse");
            } catch (LinkageError | RuntimeException e) {
                lib = LibraryLoader.create(Native.class).failImmediately().load("libfuse.so.2");
            }
        }
        return lib;
    }

    /**
     * Mounts with {@code args} (argv[0], options, mount point; "-f" is added), serves requests on
     * {@code threads} Java threads until unmounted, then tears down.
     */
    static void run(FuseOperations ops, List<String> args, int threads, Exchange exchange) {
        new FuseLoop(lib(), exchange).serve(ops, args, threads);
    }

    private void serve(FuseOperations ops, List<String> args, int threads) {
        List<String> argv = new ArrayList<>(args);
        argv.add(1, "-f");
        PointerByReference mp = new PointerByReference();
        IntByReference mt = new IntByReference();
        Pointer fuse = n.fuse_setup(argv.size(), argv.toArray(String[]::new), ops, Struct.size(ops), mp, mt, null);
        if (fuse == null) {
            throw HammerException.failure(args.get(args.size() - 1) + ": libfuse could not mount it (see its message above)");
        }
        Pointer se = n.fuse_get_session(fuse);
        Pointer ch = n.fuse_session_next_chan(se, null);
        long bufSize = n.fuse_chan_bufsize(ch);
        session = se;
        fd = n.fuse_chan_fd(ch);
        Runtime rt = Runtime.getSystemRuntime();
        Pointer chanOps = Memory.allocateDirect(rt, CHAN_OPS_SIZE, true);
        chanOps.putPointer(8, rt.getClosureManager().getClosurePointer(Send.class, send));
        Pointer replies = n.fuse_chan_new(chanOps, fd, bufSize, null);
        if (replies == null) {
            n.fuse_teardown(fuse, mp.getValue());
            throw HammerException.failure(args.get(args.size() - 1) + ": libfuse could not make a channel");
        }
        Path mountPoint = Path.of(args.get(args.size() - 1));
        String connection = connection(mountPoint);
        try {
            // On unmount every worker sees ENODEV at once; after an error the others may sit in
            // read(): the first to fail wakes them. Teardown waits for every one.
            Workers workers = new Workers("hammer-fuse-", threads, () -> work(se, ch, replies, bufSize),
                    () -> endSession(se, mountPoint, connection));
            workers.start();
            workers.awaitAll();
        } finally {
            n.fuse_session_reset(se);
            n.fuse_teardown(fuse, mp.getValue());
            n.fuse_chan_destroy(replies);
        }
    }

    /**
     * The kernel's number for the FUSE connection mounted on {@code mountPoint} (the minor of its
     * device, as /sys/fs/fuse/connections names it), or null if it cannot be told.
     */
    static String connection(Path mountPoint) {
        String device = Fusermount.mountDevice(mountPoint);
        return device == null ? null : device.substring(device.indexOf(':') + 1);
    }

    /**
     * After a worker failed: ends the session and wakes the workers waiting in read(), by
     * aborting the connection (fusectl) or, where fusectl is not mounted, by detaching the mount
     * lazily — the kernel ends the connection once nothing uses it.
     */
    private void endSession(Pointer se, Path mountPoint, String connection) {
        n.fuse_session_exit(se);
        Fusermount.abort(mountPoint, connection);
    }

    /**
     * One worker: receive a request, show it to the exchange, process it with replies going
     * through {@code replies}, until the session ends (libfuse's fuse_do_work). True when it
     * ended with the session, false on an error reading /dev/fuse.
     */
    private boolean work(Pointer se, Pointer ch, Pointer replies, long bufSize) {
        Runtime rt = Runtime.getSystemRuntime();
        Pointer mem = Memory.allocateDirect(rt, bufSize);
        Pointer buf = Memory.allocateDirect(rt, FUSE_BUF_SIZE);
        Pointer chp = Memory.allocateDirect(rt, 8);
        while (n.fuse_session_exited(se) == 0) {
            buf.putLong(0, bufSize);
            buf.putInt(8, 0);
            buf.putAddress(16, mem.address());
            buf.putInt(24, -1);
            buf.putLong(32, 0);
            chp.putAddress(0, ch.address());
            int res = n.fuse_session_receive_buf(se, buf, chp);
            if (res == -EINTR) {
                continue;
            }
            if (res <= 0) {
                if (res < 0) {
                    System.err.println("hammer mount: reading /dev/fuse failed: errno " + -res);
                    return false;
                }
                break;
            }
            if ((buf.getInt(8) & FUSE_BUF_IS_FD) == 0) {
                exchange.request(mem, res);
            }
            n.fuse_session_process_buf(se, buf, replies);
        }
        return true;
    }

    /** The channel's send (libfuse's fuse_kern_chan_send): the reply to the exchange, then to /dev/fuse. */
    private int send(Pointer ch, Pointer iov, long count) {
        if (iov == null) {
            return 0;
        }
        try {
            exchange.reply(iov, count);
        } catch (RuntimeException e) {
            System.err.println("hammer mount: a reply could not be read: " + e);
        }
        if (libc.writev(fd, iov, (int) count) == -1) {
            int err = Runtime.getSystemRuntime().getLastError();
            // ENOENT: the request was interrupted; after the session exits, nobody reads.
            if (err != ENOENT && n.fuse_session_exited(session) == 0) {
                System.err.println("hammer mount: writing /dev/fuse failed: errno " + err);
            }
            return -err;
        }
        return 0;
    }
}
