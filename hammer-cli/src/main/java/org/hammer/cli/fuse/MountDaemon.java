package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hammer.cli.Termination;
import org.hammer.cli.fuse.kernel.KernelMount;
import org.hammer.cli.fuse.kernel.Session;
import org.hammer.cli.metrics.MountMetrics;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Committer;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;

/**
 * One mount, run in the foreground until it is unmounted: opens the store, registers the mount,
 * serves FUSE requests, and on unmount or SIGTERM (which unmounts) commits, syncs and closes
 * everything; with metrics, serves them on /metrics meanwhile.
 */
final class MountDaemon {
    /** FUSE worker threads: enough that a slow fsync or a big truncate does not stall the mount. */
    private static final int THREADS = Integer.getInteger("hammer.fuse.threads", 6);

    private final MountTarget target;
    private final Path mountPoint;
    private final boolean readOnly;
    private final List<String> extraOptions;
    private final String metrics;

    MountDaemon(MountTarget target, Path mountPoint, boolean readOnly, List<String> extraOptions) {
        this(target, mountPoint, readOnly, extraOptions, null);
    }

    /** As above, serving Prometheus metrics on {@code metrics} (HOST:PORT) when not null. */
    MountDaemon(MountTarget target, Path mountPoint, boolean readOnly, List<String> extraOptions, String metrics) {
        this.metrics = metrics;
        this.target = target;
        this.mountPoint = mountPoint;
        this.readOnly = readOnly;
        this.extraOptions = List.copyOf(extraOptions);
    }

    /** Mounts, blocks until unmounted, cleans up. */
    void run() {
        // The Prometheus library is loaded only here, when asked for.
        MountMetrics served = metrics == null ? null : MountMetrics.serve(metrics, mountPoint.toString());
        try {
            run(served == null ? MountProbe.NONE : served, served);
        } finally {
            if (served != null) {
                served.close();
            }
        }
    }

    private void run(MountProbe probe, MountMetrics served) {
        // The engine commits every 32 MiB or 50 ms, each with its fdatasync: through the page
        // cache, the kernel's writeback keeps more of a commit's writes in flight than O_DIRECT's
        // one at a time, and a large file is written a quarter faster (bench/PROFILE.md §5).
        Store.preferDirectWrites(false);
        Store store = Store.open(target.storeDir());
        Keeper keeper = Keeper.self();
        Handles handles = new Handles(keeper.owner());
        Committer<Ctx> committer = Ctx.committer(store, handles, probe);
        if (served != null) {
            served.watchQueue(committer::queuedBytes, committer::queuedTasks);
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            committer.close();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hammer-mount-shutdown");
        try {
            PfsConfig config = store.read(r -> PfsTable.get(r, target.pfs()));
            if (!readOnly && target.pinned() == 0) {
                reclaim("left by a mount that is gone", () -> keeper.reclaimAbandoned(committer));
            }
            RunFiles.update(() -> MountTable.add(new MountTable.Mount(mountPoint, target.storeDir(), target.pfs())));
            RunFiles.writePid(mountPoint);
            Runtime.getRuntime().addShutdownHook(hook);
            // SIGTERM (systemctl stop, kill) unmounts: the loop below ends as on umount, and the
            // daemon commits, syncs and exits 0. A busy mount point is detached lazily.
            Termination.onTerm(() -> {
                if (!Fusermount.unmount(mountPoint, false).ok()) {
                    System.err.println("hammer mount: " + mountPoint + " is busy; SIGTERM detaches it lazily");
                    Fusermount.unmount(mountPoint, true);
                }
            });
            if (kernelProtocol(extraOptions)) {
                serveKernel(store, committer, handles, probe);
            } else {
                List<String> args = new ArrayList<>();
                args.add("hammer");
                args.addAll(options(config));
                args.add(mountPoint.toString());
                HammerFs fs = new HammerFs(store, committer, target.view(), handles, probe);
                FuseLoop.run(fs.operations(), args, THREADS, new Exchange(handles, entryTimeout(config), probe));
            }
            if (!readOnly && target.pinned() == 0) {
                reclaim("still open when the mount ended", () -> keeper.reclaimOwn(committer));
            }
        } finally {
            committer.close();
            store.close();
            RunFiles.update(() -> MountTable.remove(mountPoint));
            RunFiles.deletePid(mountPoint);
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running.
            }
        }
    }

    /**
     * Whether this mount speaks the FUSE kernel protocol itself (the default, {@code -o
     * backend=kernel}) rather than through libfuse2 ({@code -o backend=libfuse}, or
     * {@code HAMMER_FUSE=libfuse} in the environment).
     */
    static boolean kernelProtocol(List<String> options) {
        for (String o : options) {
            if (o.startsWith(BACKEND)) {
                return !o.substring(BACKEND.length()).equals("libfuse");
            }
        }
        return !"libfuse".equals(System.getenv("HAMMER_FUSE"));
    }

    private static final String BACKEND = "backend=";

    /** Mounts with the device itself and serves the kernel protocol until unmounted (package kernel). */
    private void serveKernel(Store store, Committer<Ctx> committer, Handles handles, MountProbe probe) {
        KernelFs fs = new KernelFs(store, target.storeDir(), committer, target.view(), handles, probe);
        String name = target.storeDir() + (target.pfs() == 0 ? "" : "#" + target.pfs());
        int readaheadKib = READAHEAD_KIB;
        String uring = "";
        for (String x : extraOptions) {
            if (x.startsWith(READAHEAD)) {
                readaheadKib = readaheadOption(x);
            } else if (x.equals(URING) || x.equals(NO_URING)) {
                uring = x;
            } else if (!x.startsWith(BACKEND)) {
                System.err.println("hammer mount: option '" + x + "' ignored by the kernel-protocol backend");
            }
        }
        KernelMount.Options o = new KernelMount.Options(name.replace(",", "_"), "hammer",
                readOnly || target.pinned() != 0, true, true);
        if (uring.equals(URING)) {
            enableUring(); // before mounting: the kernel decides what INIT offers as it mounts
        }
        int fd;
        try {
            fd = KernelMount.mount(mountPoint, o);
        } catch (IllegalStateException e) {
            throw HammerException.failure(e.getMessage());
        }
        // Sequential reads: with the kernel's 128 KiB a cold read of a large file ran at about
        // half the disk's speed (bench/PROFILE.md §5).
        boolean raised = readaheadKib > 0 && Fusermount.setReadahead(mountPoint, readaheadKib);
        Session session = new Session(fd, fs, false, raised ? readaheadKib << 10 : 0)
                .onRingFailure(() -> Fusermount.abort(mountPoint, FuseLoop.connection(mountPoint)));
        (uring.equals(NO_URING) ? session : session.rings()).serve(THREADS);
    }

    private static final String URING = "uring";
    private static final String NO_URING = "nouring";
    /**
     * {@code -o uring}: turns the fuse module's io_uring switch on if it is off (root only; it
     * applies to FUSE mounts from then on, and only to those whose server asks for it at INIT).
     */
    private static void enableUring() {
        try {
            if (!Files.readString(Session.ENABLE_URING).trim().equals("Y")) {
                Files.writeString(Session.ENABLE_URING, "Y");
                System.err.println("hammer mount: turned on " + Session.ENABLE_URING);
            }
        } catch (IOException e) {
            System.err.println("hammer mount: -o uring: " + Session.ENABLE_URING + ": " + e.getMessage()
                    + "; requests go through /dev/fuse");
        }
    }

    /** The readahead the kernel-protocol backend asks for, in KiB, unless {@code -o readahead=KIB} says otherwise. */
    static final int READAHEAD_KIB = 4096;
    private static final String READAHEAD = "readahead=";

    /** {@code readahead=KIB}: 0 (the kernel's default) to 65536. */
    static int readaheadOption(String option) {
        String v = option.substring(READAHEAD.length());
        try {
            int kib = Integer.parseInt(v);
            if (kib >= 0 && kib <= 65536) {
                return kib;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw HammerException.usage("mount: -o " + option + ": readahead is a size in KiB from 0 to 65536");
    }

    /** Reclaims orphans (files unlinked while open); a failure is logged: the next mount tries again. */
    private static void reclaim(String which, java.util.function.IntSupplier work) {
        try {
            int n = work.getAsInt();
            if (n > 0) {
                System.err.println("hammer mount: reclaimed " + n + " unlinked file(s) " + which);
            }
        } catch (HammerException e) {
            System.err.println("hammer mount: unlinked files " + which + " not reclaimed: " + e.getMessage());
        }
    }

    /**
     * How long the kernel keeps names, and the attributes of directories (Exchange): a slave moves
     * forward under the mount, so briefly there.
     */
    private double entryTimeout(PfsConfig config) {
        return config.isSlave() || target.pinned() != 0 ? 0.1 : 1.0;
    }

    /** libfuse2 options: inode numbers, other users, 128 KiB writes, and caching. */
    private List<String> options(PfsConfig config) {
        List<String> o = new ArrayList<>();
        String name = target.storeDir() + (target.pfs() == 0 ? "" : "#" + target.pfs());
        o.add("-o");
        o.add("fsname=" + name.replace(",", "_") + ",subtype=hammer");
        o.add("-o");
        // default_permissions: the kernel checks every access, including those that never reach
        // the mount (opening a fifo, connecting to a socket); the mount checks again with its own
        // rules (Caller) what does reach it. hard_remove: an unlinked open file loses its name at
        // once (no .fuse_hidden* left in its directory) and lives on as an orphan in the store
        // until its last handle is released (Handles).
        o.add("use_ino,allow_other,default_permissions,hard_remove,big_writes,max_write=131072,auto_cache");
        // attr_timeout=0: libfuse2 gives each name of a hard-linked file its own kernel inode, so
        // cached attributes (size, nlink) of one name would go stale when the file changes
        // through another. Directories are kept as long as names (Exchange). A slave moves
        // forward under the mount: names are cached briefly too.
        o.add("-o");
        o.add("attr_timeout=0,entry_timeout=" + entryTimeout(config) + ",negative_timeout=0");
        if (readOnly || target.pinned() != 0) {
            o.add("-o");
            o.add("ro");
        }
        for (String x : extraOptions) {
            if (x.startsWith(READAHEAD)) {
                System.err.println("hammer mount: option '" + x + "' ignored by the libfuse backend");
            } else if (!x.startsWith(BACKEND)) {
                o.add("-o");
                o.add(x);
            }
        }
        return o;
    }
}
