package org.hammer.cli.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;
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
 */
final class FuseLoop {
    /** struct fuse_buf (libfuse 2.9, LP64): size, flags, mem, fd, pos. */
    private static final int FUSE_BUF_SIZE = 40;
    private static final int EINTR = 4;

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
    }

    private static volatile Native lib;

    private FuseLoop() {
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
    static void run(FuseOperations ops, List<String> args, int threads) {
        Native n = lib();
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
        try {
            List<Thread> workers = new ArrayList<>();
            CountDownLatch firstOut = new CountDownLatch(1);
            for (int i = 0; i < threads; i++) {
                Thread t = new Thread(() -> {
                    try {
                        work(n, se, ch, bufSize);
                    } finally {
                        firstOut.countDown();
                    }
                }, "hammer-fuse-" + i);
                t.setDaemon(true);
                t.start();
                workers.add(t);
            }
            firstOut.await();
            // On unmount every worker sees ENODEV at once; after an error the others may sit in read().
            for (Thread t : workers) {
                t.join(2000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            n.fuse_session_reset(se);
            n.fuse_teardown(fuse, mp.getValue());
        }
    }

    /** One worker: receive a request, process it, until the session ends (libfuse's fuse_do_work). */
    private static void work(Native n, Pointer se, Pointer ch, long bufSize) {
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
                    n.fuse_session_exit(se);
                }
                break;
            }
            n.fuse_session_process_buf(se, buf, chp.getPointer(0));
        }
    }
}
