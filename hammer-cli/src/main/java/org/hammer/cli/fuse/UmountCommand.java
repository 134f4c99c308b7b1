package org.hammer.cli.fuse;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hammer umount}: takes a mount away; its daemon commits, syncs and exits. */
@Command(name = "umount",
        description = {
            "Unmount a hammer mount (fusermount3 -u, else fusermount -u) and wait for its daemon to "
                    + "finish writing. A mount whose daemon was killed is cleared lazily."
        })
public final class UmountCommand implements Callable<Integer> {
    private static final long WAIT_S = 30;

    @Parameters(index = "0", paramLabel = "MOUNTPOINT", description = "Where the PFS is mounted.")
    private Path mountPoint;

    @Override
    public Integer call() {
        Path mp = Fusermount.resolved(mountPoint);
        if (!Fusermount.isMountPoint(mp)) {
            RunFiles.update(() -> MountTable.remove(mp));
            throw HammerException.notFound(mp + ": not mounted");
        }
        Optional<ProcessHandle> daemon = RunFiles.daemon(mp);
        Fusermount.Result r = Fusermount.unmount(mp, false);
        if (!r.ok() && Fusermount.isStale(mp)) {
            r = Fusermount.unmount(mp, true);
        }
        if (!r.ok()) {
            throw HammerException.failure(mp + ": cannot unmount: " + r.message());
        }
        if (daemon.isPresent() && !RunFiles.awaitExit(mp, daemon.get(), WAIT_S * 1000)) {
            throw HammerException.failure(mp + ": unmounted, but its daemon (pid " + daemon.get().pid()
                    + ") did not finish within " + WAIT_S + " s");
        }
        RunFiles.update(() -> MountTable.remove(mp));
        RunFiles.deletePid(mp);
        return 0;
    }
}
