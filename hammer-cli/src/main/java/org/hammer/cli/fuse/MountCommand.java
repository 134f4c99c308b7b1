package org.hammer.cli.fuse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code hammer mount}: shows a PFS as a directory tree through FUSE (mount_hammer and the null mount). */
@Command(name = "mount",
        description = {
            "Mount PFS #0 of a store, or the PFS a path names (STORE/pfs/NAME, or a PFS link inside a mount), "
                    + "on MOUNTPOINT through FUSE. A master is read-write; a slave is read-only and shows its "
                    + "state as of its sync-end-tid, moving forward after each mirror. Writes are grouped and "
                    + "written back: fsync or sync makes them durable, and an error met after write returned "
                    + "(ENOSPC when the store is full) is reported by the next write, close or fsync. "
                    + "Permissions are checked as on a local disk for every user. A file unlinked while open "
                    + "loses its name at once and lives on until closed; the next mount frees those a killed "
                    + "daemon held. Without -f the command "
                    + "returns once the mount is usable; the daemon logs to $HAMMER_RUN_DIR. SIGTERM to the daemon "
                    + "unmounts (lazily when busy) and ends it with exit 0."
        })
public final class MountCommand implements Callable<Integer> {

    @Option(names = "-o", paramLabel = "OPTION", split = ",",
            description = "Mount options, comma-separated: ro mounts read-only; the mount speaks the FUSE kernel "
                    + "protocol itself (backend=kernel, the default); backend=libfuse serves it through libfuse2 "
                    + "instead (also HAMMER_FUSE=libfuse), and only then do other options go to libfuse as they "
                    + "are. readahead=KIB sets how far the kernel reads ahead of a sequential reader (kernel "
                    + "protocol, as root; default 4096, 0 for the kernel's own 128). Requests go through FUSE over io_uring "
                    + "where the kernel offers it (Linux 6.14 on, with the fuse module's enable_uring parameter "
                    + "set); uring also sets that parameter (as root), nouring keeps to /dev/fuse.")
    private List<String> options = new ArrayList<>();

    @Option(names = "-f", description = "Stay in the foreground until unmounted (Ctrl-C unmounts).")
    private boolean foreground;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics of the mount "
            + "on http://HOST:PORT/metrics: operations by kind, bytes read and written, commit latency and the "
            + "write-back queue.")
    private String metrics;

    @Option(names = "--resolved", hidden = true, paramLabel = "PFS:TID",
            description = "Internal: the PFS and TID the parent process resolved; SOURCE is then the store.")
    private String resolved;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A store directory or a path naming a PFS.")
    private String source;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT", description = "An existing empty directory.")
    private Path mountPoint;

    @Override
    public Integer call() {
        Path mp = Fusermount.resolved(mountPoint);
        boolean readOnly = options.contains("ro");
        List<String> extra = new ArrayList<>(options);
        extra.removeIf(o -> o.equals("ro") || o.equals("rw") || o.isEmpty());
        extra.stream().filter(o -> o.startsWith("readahead=")).forEach(MountDaemon::readaheadOption);
        MountTarget target;
        if (resolved != null) {
            target = MountTarget.ofSpec(Path.of(source), resolved);
        } else {
            target = MountTarget.resolve(source);
            prepare(mp);
        }
        if (foreground) {
            new MountDaemon(target, mp, readOnly, extra, metrics).run();
        } else {
            DaemonLauncher.start(target, mp, options, metrics);
        }
        return 0;
    }

    /** Clears a stale mount left by a killed daemon, and refuses a mount point already in use. */
    static void prepare(Path mp) {
        if (Fusermount.isStale(mp)) {
            Fusermount.Result r = Fusermount.unmount(mp, true);
            if (!r.ok()) {
                throw HammerException.failure(mp + ": stale mount (its daemon is gone) and it cannot be cleared: "
                        + r.message() + "; run: fusermount3 -uz " + mp);
            }
            RunFiles.update(() -> MountTable.remove(mp));
            RunFiles.deletePid(mp);
        }
        if (!Files.isDirectory(mp)) {
            throw HammerException.notFound(mp + ": no such directory");
        }
        Path parent = mp.getParent();
        if (parent != null && Fusermount.device(mp) != Fusermount.device(parent)) {
            throw HammerException.refused(mp + ": already a mount point (hammer umount " + mp + " first)");
        }
    }
}
