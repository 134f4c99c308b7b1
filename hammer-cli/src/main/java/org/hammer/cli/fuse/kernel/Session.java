package org.hammer.cli.fuse.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/**
 * One FUSE connection: the device descriptor of a mount, a fixed pool of worker threads each
 * reading whole requests from a clone of it (FUSE_DEV_IOC_CLONE) into a reused direct buffer and
 * writing each reply back on the same clone, and notifications to the kernel. {@link #serve}
 * returns once the kernel ends the connection (unmount: ENODEV) and every worker has finished.
 *
 * <p>With {@link #rings}, and a kernel that offers FUSE over io_uring at INIT (Linux 6.14 on, with
 * the fuse module's {@code enable_uring} parameter set), the requests go through rings instead,
 * once INIT is answered: threads bound to each CPU, each serving one entry of that CPU's queue
 * ({@link Ring}). One worker keeps reading the device, for what the kernel still sends through it
 * (FORGET, INTERRUPT); the others start only if INIT does not agree on rings. Once it has, the
 * kernel holds every request until each CPU's queue has an entry, so rings are asked for only
 * when this process can set up an io_uring, and a ring that fails even so aborts the connection.
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
    /** Whether requests may go through rings (INIT asks for them); see {@link #rings}. */
    private boolean ringsWanted;
    /** The kernel's FUSE queues, one per possible CPU, once {@link #rings} has counted them. */
    private int queues;
    /** Threads per CPU serving FUSE over io_uring, set by {@link #serve}. */
    private int ringThreads;
    /** The device's workers and the ring threads, as they start; joined by {@link #serve}. Guards {@link #clones}. */
    private final List<Thread> serving = new ArrayList<>();
    /** The device's clones the workers read, closed at the end. */
    private final List<Integer> clones = new ArrayList<>();
    private Runnable abort = () -> {
    };
    /** Workers reading the device when nothing goes through rings. */
    private int deviceWorkers;
    private final AtomicBoolean otherWorkersStarted = new AtomicBoolean();
    private final AtomicBoolean ringsStarted = new AtomicBoolean();
    private final AtomicBoolean ringFailureTold = new AtomicBoolean();
    /** Requests served through the rings (the device's: the profile's counts less these). */
    private final LongAdder ringRequests = new LongAdder();
    private final LongAdder deviceRequests = new LongAdder();

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

    /**
     * Asks the kernel at INIT for FUSE over io_uring and, if it agrees, serves the requests on
     * rings, as many threads in all as {@link #serve} is given workers (at least one per CPU);
     * without this call (the default) they go through the device only.
     */
    public Session rings() {
        // The switch as the kernel read it when mounting decides what INIT offers.
        boolean wanted = uringSwitchOn();
        if (wanted) {
            // Once INIT agrees on rings the kernel holds every request until each CPU's queue has
            // an entry (with a payload of the largest request, 1 MiB): ask only if they can be had.
            queues = possibleCpus();
            String why = queues > MAX_QUEUES ? queues + " CPUs, rings are used up to " + MAX_QUEUES
                    : Ring.unavailable();
            if (why != null) {
                System.err.println("hammer mount: FUSE over io_uring: " + why + "; requests go through /dev/fuse");
                wanted = false;
            }
        }
        ringsWanted = wanted;
        dispatcher.rings(wanted);
        return this;
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
        deviceWorkers = threads;
        ringThreads = queues == 0 ? 0 : Math.max(1, threads / queues);
        try {
            // With rings asked for, one worker reads the device until INIT says whether the
            // others are needed (FUSE over io_uring leaves the device FORGET and INTERRUPT).
            startDeviceWorkers(0, ringsWanted ? 1 : threads);
            for (int i = 0;; i++) {
                Thread t;
                synchronized (serving) {
                    if (i == serving.size()) {
                        ended = true; // every thread has ended, and none starts after this
                        break;
                    }
                    t = serving.get(i);
                }
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ended = true;
            if (profile != null) {
                profile.print();
            }
            if (ringsStarted.get()) {
                System.err.printf("hammer mount: %d requests served through FUSE over io_uring, %d through /dev/fuse%n",
                        ringRequests.sum(), deviceRequests.sum());
            }
            notifier.shutdown();
            try {
                notifier.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (serving) {
                for (int d : clones) {
                    Libc.c().close(d);
                }
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
            deviceRequests.increment();
            int len = serve(r, out);
            if (len < 0) {
                continue;
            }
            boolean sent = c.write(d, outPtr, len) >= 0;
            int e = sent ? 0 : Libc.errno();
            if (r.opcode() == Protocol.INIT && ringsWanted) {
                // The kernel takes the queues' entries only once it has the answer to INIT.
                if (sent && dispatcher.ringsAgreed()) {
                    startRings();
                } else {
                    startOtherDeviceWorkers();
                }
            }
            if (!sent) {
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

    /** Handles request {@code r} into {@code out}; returns the reply's length, or -1 if none is owed. */
    private int serve(Request r, Reply out) {
        out.start(r.unique());
        long t0 = profile == null ? 0 : System.nanoTime();
        long c0 = profile == null ? 0 : Profile.cpu();
        int error = handle(r, out);
        if (profile != null) {
            profile.add(r.opcode(), System.nanoTime() - t0, Profile.cpu() - c0);
        }
        if (out.noReply()) {
            return -1;
        }
        int len = out.finish(error);
        if (debug) {
            System.err.printf("fuse: %s node %d -> %d (%d bytes)%n", Protocol.name(r.opcode()), r.nodeId(), error, len);
        }
        return len;
    }

    /** Starts the device's workers after the first, once. */
    private void startOtherDeviceWorkers() {
        if (otherWorkersStarted.compareAndSet(false, true)) {
            startDeviceWorkers(1, deviceWorkers);
        }
    }

    /** Starts device workers {@code from} to {@code to} - 1, each on a clone of the device but the first. */
    private void startDeviceWorkers(int from, int to) {
        synchronized (serving) {
            for (int i = from; i < to && !ended; i++) {
                int d = i == 0 ? fd : cloneDevice();
                if (d != fd) {
                    clones.add(d);
                }
                Thread t = new Thread(() -> work(d), "hammer-fuse-" + i);
                t.setDaemon(true);
                serving.add(t);
                t.start();
            }
        }
    }

    /**
     * Starts {@link #ringThreads} threads for each CPU's queue, once. All but one of a queue's
     * threads are bound to its CPU, where its requests' callers wait: a create then costs no
     * wake-up across CPUs (about 1.3× the creates per second of unbound threads). The other one
     * may run anywhere, so that a single sequential reader, whose readahead requests all queue on
     * its own CPU, has its 1 MiB READs' checks and copies spread over the others too (a cold read
     * of 2 GiB took 1.3–1.7 s with every thread bound, 1.1 s so, as on /dev/fuse).
     * {@code -Dhammer.fuse.ring.unbound=N} chooses how many of a queue's threads are not bound.
     */
    private void startRings() {
        if (!ringsStarted.compareAndSet(false, true)) {
            return;
        }
        int unbound = Integer.getInteger("hammer.fuse.ring.unbound", ringThreads > 1 ? 1 : 0);
        synchronized (serving) {
            if (ended) {
                return;
            }
            for (int q = 0; q < queues; q++) {
                for (int i = 0; i < ringThreads; i++) {
                    int qid = q;
                    boolean bind = i >= unbound;
                    Thread t = new Thread(() -> ringWork(qid, bind), "hammer-fuse-ring-" + q + "-" + i);
                    t.setDaemon(true);
                    serving.add(t);
                    t.start();
                }
            }
        }
    }

    /** The fuse module's switch for FUSE over io_uring (Linux 6.14 on). */
    public static final Path ENABLE_URING = Path.of("/sys/module/fuse/parameters/enable_uring");

    /** Whether the kernel offers FUSE over io_uring to mounts made now (its switch, read at mount time). */
    private static boolean uringSwitchOn() {
        try {
            return Files.readString(ENABLE_URING).trim().equals("Y");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Runs {@code abort} if a ring cannot be set up after INIT agreed on rings: the kernel then
     * holds every request, and only aborting the connection frees its callers.
     */
    public Session onRingFailure(Runnable abort) {
        this.abort = abort;
        return this;
    }

    /** The most CPUs (queues) served through rings: each of their threads has a 1 MiB buffer. */
    private static final int MAX_QUEUES = 32;

    /**
     * The kernel's number of FUSE queues: one per possible CPU (nr_cpu_ids, from
     * /sys/devices/system/cpu/possible such as "0-3"); the processors this JVM sees if unreadable.
     */
    static int possibleCpus() {
        try {
            String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
            int max = 0;
            for (String part : s.split(",")) {
                String[] range = part.split("-");
                max = Math.max(max, Integer.parseInt(range[range.length - 1].trim()));
            }
            return max + 1;
        } catch (IOException | RuntimeException e) {
            return java.lang.Runtime.getRuntime().availableProcessors();
        }
    }

    /**
     * One ring thread: registers its entry of CPU {@code qid}'s queue, then answers each request
     * that arrives in it until the connection ends. A reply whose request left nothing in the
     * payload is encoded there directly (a READ's data is written once); any other is encoded
     * apart, as the request's names and data are still being read, and copied in after.
     */
    private void ringWork(int qid, boolean bind) {
        ByteBuffer memory = ByteBuffer.allocateDirect(Ring.HEADER + IN_BUFFER + 4096).alignedSlice(4096);
        Ring ring;
        try {
            if (Boolean.getBoolean("hammer.fuse.ring.fail")) { // tests: a ring that cannot be set up after INIT
                throw new IllegalStateException("io_uring_setup: refused (hammer.fuse.ring.fail)");
            }
            ring = Ring.open(fd, qid, bind, memory.slice(0, Ring.HEADER + IN_BUFFER));
        } catch (IllegalStateException | UnsatisfiedLinkError e) {
            ringFailed(e.getMessage());
            return;
        }
        try {
            ByteBuffer h = ring.header;
            Request r = new Request(h);
            Reply direct = new Reply(memory.slice(Ring.HEADER - Protocol.OUT_HEADER, Protocol.OUT_HEADER + IN_BUFFER));
            Reply apart = new Reply(ByteBuffer.allocateDirect(Protocol.OUT_HEADER + XATTR_SIZE_MAX + 4096));
            while (true) {
                int res = ring.next();
                if (res != 0) {
                    if (!ended && res != -Libc.ENOTCONN && res != -Libc.ENODEV && res != -Libc.ECONNABORTED
                            && res != -Libc.ECANCELED) { // those: the connection has ended

                        ringFailed("CPU " + qid + ": " + Libc.strerror(-res));
                    }
                    return;
                }
                ringRequests.increment();
                answer(ring, r, direct, apart);
            }
        } finally {
            ring.close();
        }
    }

    /**
     * Serves the request now in {@code ring}'s buffers and leaves its reply there. Whatever goes
     * wrong, a reply is left (EIO at worst): the kernel gives the entry no other request, and the
     * caller waits, until it has one.
     */
    private void answer(Ring ring, Request r, Reply direct, Reply apart) {
        ByteBuffer h = ring.header;
        long unique = h.getLong(8);
        int opcode = h.getInt(4);
        int rest = h.getInt(Ring.PAYLOAD_SIZE);
        Reply out = rest == 0 ? direct : apart;
        int len;
        try {
            int first = Protocol.firstArgument(opcode);
            // The first argument right after the header, as a request read from the device has it.
            h.put(Protocol.IN_HEADER, h, Ring.OP_IN, first);
            if (r.decode(first, ring.payload, rest)) {
                len = serve(r, out);
            } else {
                System.err.println("hammer mount: a malformed request through io_uring (" + Protocol.name(opcode)
                        + ", " + rest + " bytes), answered EIO");
                out.start(unique);
                len = out.finish(Dispatcher.EIO);
            }
            if (len < 0) { // nothing owed (no such request comes through rings); the kernel still waits for one
                out.start(unique);
                len = out.finish(0);
            }
        } catch (RuntimeException e) {
            System.err.println("hammer mount: internal error answering " + Protocol.name(opcode)
                    + " through io_uring: " + e);
            out = apart;
            out.start(unique);
            len = out.finish(Dispatcher.EIO);
        }
        h.put(0, out.buffer(), 0, Protocol.OUT_HEADER);
        if (out == apart && len > Protocol.OUT_HEADER) {
            ring.payload.put(0, apart.buffer(), Protocol.OUT_HEADER, len - Protocol.OUT_HEADER);
        }
        h.putInt(Ring.PAYLOAD_SIZE, len - Protocol.OUT_HEADER);
    }

    /** The largest extended attribute value (XATTR_SIZE_MAX): the largest reply to a request with a payload. */
    private static final int XATTR_SIZE_MAX = 65536;

    /**
     * A ring thread could not set up or register its entry, after INIT agreed on rings: the kernel
     * holds every request until each queue has one, so the mount cannot serve, and its connection
     * is aborted (callers get ECONNABORTED, the next mount clears it) instead of leaving them
     * waiting.
     */
    private void ringFailed(String why) {
        if (ringFailureTold.compareAndSet(false, true)) {
            System.err.println("hammer mount: FUSE over io_uring: " + why
                    + "; the kernel holds every request until each CPU's queue has a ring entry: connection aborted");
            abort.run();
        }
    }

    /**
     * A native pointer to the start of a direct buffer's memory, passed to libc as its address
     * (wherever the buffer's position is: jnr's wrap starts at the position).
     */
    private static Pointer direct(Runtime rt, ByteBuffer b) {
        return Pointer.wrap(rt, Pointer.wrap(rt, b.duplicate().clear()).address());
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
     * Asks the kernel to drop the attributes and the cached pages of node {@code nodeId}; sent
     * asynchronously, as dropping pages may wait for a reply a worker owes first.
     */
    public void invalidateInode(long nodeId) {
        if (ended) {
            return;
        }
        notifier.execute(() -> send(() -> notification.invalInode(nodeId, 0, 0), Protocol.NOTIFY_INVAL_INODE));
    }

    /**
     * Drops the kernel's attributes of node {@code nodeId} before returning, so that the reply to
     * the request being handled, which changed them where the kernel does not see (its mode), is
     * not followed by a look at the old ones. Attributes alone need no lock a request holds.
     */
    public void invalidateAttributes(long nodeId) {
        if (!ended) {
            send(() -> notification.invalInode(nodeId, -1, 0), Protocol.NOTIFY_INVAL_INODE);
        }
    }

    /** Asks the kernel to forget the name {@code name} in directory node {@code parent}. */
    public void invalidateEntry(long parent, String name) {
        if (ended) {
            return;
        }
        notifier.execute(() -> send(() -> notification.invalEntry(parent, name), Protocol.NOTIFY_INVAL_ENTRY));
    }

    private void send(Runnable encode, int code) {
        synchronized (notification) { // the notifier's thread, or a worker's
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
}
