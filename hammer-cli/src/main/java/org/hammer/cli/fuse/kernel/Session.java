package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * One FUSE connection: the device descriptor of a mount, a fixed pool of worker threads each
 * reading whole requests from a clone of it (FUSE_DEV_IOC_CLONE) into a reused direct buffer and
 * writing each reply back on the same clone, and notifications to the kernel. {@link #serve}
 * returns once the kernel ends the connection (unmount: ENODEV) and every worker has finished.
 */
public final class Session {
    /** Room for the largest request: a WRITE of MAX_WRITE bytes after its headers. */
    static final int IN_BUFFER = Dispatcher.MAX_WRITE + 4096;
    /** Room for the largest reply: a READ of MAX_WRITE bytes. */
    static final int OUT_BUFFER = Dispatcher.MAX_WRITE + 4096;

    private final int fd;
    private final Dispatcher dispatcher;
    private final Operations ops;
    private final boolean debug;
    /** With {@code -Dhammer.fuse.profile=true}: requests, wall and CPU nanoseconds per opcode, logged at the end. */
    private final Profile profile = Boolean.getBoolean("hammer.fuse.profile") ? new Profile() : null;
    /** Notifications are sent from a thread of their own: one may wait for a reply a worker still owes. */
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hammer-fuse-notify");
        t.setDaemon(true);
        return t;
    });
    private final Reply notification = new Reply(ByteBuffer.allocateDirect(4096 + 16));
    private volatile boolean ended;

    /**
     * A session over device descriptor {@code fd} (mounted already; closed when served),
     * answering with {@code ops}, and INIT with a readahead of at least {@code readahead} bytes
     * (0: what the kernel offers), which takes only if the device's setting was raised first: INIT
     * leaves the smaller of the two.
     */
    public Session(int fd, Operations ops, boolean writebackCache, int readahead) {
        this.fd = fd;
        this.ops = ops;
        this.dispatcher = new Dispatcher(ops, writebackCache, readahead);
        this.debug = Boolean.getBoolean("hammer.fuse.debug");
        ops.attach(this);
    }

    /** The INIT flags agreed with the kernel (0 before INIT). */
    public int flags() {
        return dispatcher.flags();
    }

    /**
     * Serves requests on {@code threads} workers until the connection ends, then waits for every
     * worker and the notifier, and tells the operations.
     */
    public void serve(int threads) {
        List<Thread> workers = new ArrayList<>();
        List<Integer> clones = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                int d = i == 0 ? fd : cloneDevice();
                if (d != fd) {
                    clones.add(d);
                }
                Thread t = new Thread(() -> work(d), "hammer-fuse-" + i);
                t.setDaemon(true);
                workers.add(t);
            }
            workers.forEach(Thread::start);
            for (Thread t : workers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended = true;
            if (profile != null) {
                profile.print();
            }
            notifier.shutdown();
            try {
                notifier.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int d : clones) {
                Libc.c().close(d);
            }
            Libc.c().close(fd);
            ops.destroy();
        }
    }

    /**
     * A new descriptor on the same connection, with its own queue of requests being processed;
     * where the kernel cannot clone (before Linux 4.2), the session's own, shared.
     */
    private int cloneDevice() {
        Libc.C c = Libc.c();
        int d = c.open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (d < 0) {
            System.err.println("hammer mount: /dev/fuse: " + Libc.strerror(Libc.errno())
                    + "; workers share one descriptor");
            return fd;
        }
        if (c.ioctl(d, Protocol.DEV_IOC_CLONE, new IntByReference(fd)) != 0) {
            int e = Libc.errno();
            c.close(d);
            System.err.println("hammer mount: FUSE_DEV_IOC_CLONE: " + Libc.strerror(e)
                    + "; workers share one descriptor");
            return fd;
        }
        return d;
    }

    /** One worker: read a request, dispatch it, write its reply, until the device says the connection is gone. */
    private void work(int d) {
        Libc.C c = Libc.c();
        Runtime rt = Runtime.getRuntime(c);
        ByteBuffer in = ByteBuffer.allocateDirect(IN_BUFFER);
        ByteBuffer outBuf = ByteBuffer.allocateDirect(OUT_BUFFER);
        Pointer inPtr = direct(rt, in);
        Pointer outPtr = direct(rt, outBuf);
        Request r = new Request(in);
        Reply out = new Reply(outBuf);
        while (true) {
            long n = c.read(d, inPtr, IN_BUFFER);
            if (n < 0) {
                int e = Libc.errno();
                if (e == Libc.EINTR || e == Libc.EAGAIN || e == Libc.ENOENT) {
                    continue;
                }
                if (e != Libc.ENODEV) {
                    System.err.println("hammer mount: reading /dev/fuse: " + Libc.strerror(e));
                }
                return;
            }
            if (!r.decode((int) n)) {
                System.err.println("hammer mount: a malformed request of " + n + " bytes from /dev/fuse, ignored");
                continue;
            }
            out.start(r.unique());
            long t0 = profile == null ? 0 : System.nanoTime();
            long c0 = profile == null ? 0 : Profile.cpu();
            int error = handle(r, out);
            if (profile != null) {
                profile.add(r.opcode(), System.nanoTime() - t0, Profile.cpu() - c0);
            }
            if (out.noReply()) {
                continue;
            }
            int len = out.finish(error);
            if (debug) {
                System.err.printf("fuse: %s node %d -> %d (%d bytes)%n", Protocol.name(r.opcode()), r.nodeId(), error,
                        len);
            }
            if (c.write(d, outPtr, len) < 0) {
                int e = Libc.errno();
                // ENOENT: the request was interrupted and is gone; ENODEV: the connection is.
                if (e == Libc.ENODEV) {
                    return;
                }
                if (e != Libc.ENOENT) {
                    System.err.println("hammer mount: writing the reply to " + Protocol.name(r.opcode()) + ": "
                            + Libc.strerror(e));
                }
            }
        }
    }

    /** A native pointer to the memory of a direct buffer, passed to libc as its address. */
    private static Pointer direct(Runtime rt, ByteBuffer b) {
        return Pointer.wrap(rt, Pointer.wrap(rt, b).address());
    }

    private int handle(Request r, Reply out) {
        try {
            return dispatcher.dispatch(r, out);
        } catch (IllegalArgumentException e) {
            System.err.println("hammer mount: " + e.getMessage());
            return Dispatcher.EIO;
        } catch (RuntimeException | Error e) {
            System.err.println("hammer mount: internal error in " + Protocol.name(r.opcode()) + ": " + e);
            e.printStackTrace();
            return Dispatcher.EIO;
        }
    }

    /**
     * Asks the kernel to drop the attributes of node {@code nodeId} and, with {@code data}, its
     * cached pages; sent asynchronously, as the kernel may need a reply a worker owes first.
     */
    public void invalidateInode(long nodeId, boolean data) {
        if (ended) {
            return;
        }
        notifier.execute(() -> send(() -> notification.invalInode(nodeId, data ? 0 : -1, 0),
                Protocol.NOTIFY_INVAL_INODE));
    }

    /** Asks the kernel to forget the name {@code name} in directory node {@code parent}. */
    public void invalidateEntry(long parent, String name) {
        if (ended) {
            return;
        }
        notifier.execute(() -> send(() -> notification.invalEntry(parent, name), Protocol.NOTIFY_INVAL_ENTRY));
    }

    private void send(Runnable encode, int code) {
        encode.run();
        int len = notification.finishNotify(code);
        Libc.C c = Libc.c();
        if (c.write(fd, direct(Runtime.getRuntime(c), notification.buffer()), len) < 0) {
            int e = Libc.errno();
            // ENOENT: the kernel no longer knows the node or name, which is what was asked.
            if (e != Libc.ENOENT && e != Libc.ENODEV && debug) {
                System.err.println("hammer mount: notification " + code + ": " + Libc.strerror(e));
            }
        }
    }
}
