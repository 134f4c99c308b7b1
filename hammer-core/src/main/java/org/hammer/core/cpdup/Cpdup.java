package org.hammer.core.cpdup;

import java.nio.file.Path;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;

/**
 * Copies a tree between a local directory and a PFS, in either direction (or between two local
 * directories), as DragonFly's cpdup(1): see the package description.
 */
public final class Cpdup {
    private Cpdup() {
    }

    /**
     * Copies {@code src} to {@code dst}, each a local path or a path in a store or mount (resolved
     * by {@link PfsPath}); {@code verbose}, if not null, hears of every object copied or removed.
     * An object that cannot be copied fails the copy at its end, once everything else is copied.
     */
    public static CpdupStats copy(String src, String dst, Consumer<String> verbose) {
        return copy(src, dst, verbose, null);
    }

    /**
     * As {@link #copy(String, String, Consumer)}, but each object that cannot be copied is
     * reported to {@code errors} (one line, naming it) and the copy goes on; the stats count them.
     * One side must be in a store or a mount: a copy between two local directories is NOT_FOUND
     * (a mistyped store path must not "update" a local directory by emptying it).
     */
    public static CpdupStats copy(String src, String dst, Consumer<String> verbose, Consumer<String> errors) {
        return copy(src, dst, verbose, errors, null);
    }

    /** As above, telling {@code progress} (if not null) of the counts so far, about ten times a second. */
    public static CpdupStats copy(String src, String dst, Consumer<String> verbose, Consumer<String> errors,
            Consumer<CpdupStats> progress) {
        boolean fromPfs = inStore(src);
        boolean toPfs = inStore(dst);
        if (fromPfs && toPfs) {
            throw HammerException.usage(src + " and " + dst
                    + " are both in hammer stores: copy through a local directory, or use mirror-copy");
        }
        if (!fromPfs && !toPfs) {
            throw HammerException.notFound(src + ": not inside a hammer store: " + src + " (nor is " + dst
                    + "): one side of cpdup must be a path in a store directory or a mount");
        }
        if (fromPfs) {
            try (PfsPath from = PfsPath.resolve(src)) {
                return new Walk<>(source(from), new LocalTarget(Path.of(dst)), verbose, errors, progress).run();
            }
        }
        try (PfsPath to = PfsPath.resolve(dst)) {
            LocalSource from = new LocalSource(Path.of(src), PfsTarget::checksums);
            return new Walk<>(from, target(to), verbose, errors, progress).run();
        }
    }

    /** True when {@code arg} lies in a store directory or a registered mount. */
    static boolean inStore(String arg) {
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        if (MountTable.find(abs) != null) {
            return true;
        }
        for (Path d = abs; d != null; d = d.getParent()) {
            if (Store.isStore(d)) {
                return true;
            }
        }
        return false;
    }

    private static PfsSource source(PfsPath p) {
        if (!p.exists()) {
            throw HammerException.notFound(p.arg() + ": no such file or directory");
        }
        boolean there = p.store().read(r -> new FsReader(r, p.pfs(), p.asOf()).exists(p.ino()));
        if (!there) {
            PfsConfig c = p.config();
            if (c.isSlave() && p.ino() == FsReader.ROOT) {
                throw HammerException.notFound(String.format("%s: PFS#%d is a slave that holds nothing yet"
                        + " (sync-end-tid %s): mirror-copy into it first", p.arg(), p.pfs(), Tid.format(p.asOf())));
            }
            throw HammerException.notFound(p.arg() + ": no such file or directory as of " + Tid.format(p.asOf()));
        }
        return new PfsSource(p.store(), p.pfs(), p.asOf(), p.ino(), p.arg());
    }

    private static PfsTarget target(PfsPath p) {
        if (p.historical()) {
            throw new FsException(Errno.EROFS, p.arg() + ": names an older state (" + Tid.format(p.asOf())
                    + "), which is read-only");
        }
        PfsConfig c = p.config();
        if (c.isSlave()) {
            throw new FsException(Errno.EROFS, String.format("%s: PFS#%d is a slave, which is read-only:"
                    + " copy into its master, or pfs-upgrade it first", p.arg(), p.pfs()));
        }
        if (!p.exists()) {
            return new PfsTarget(p.store(), p.pfs(), p.ino(), null, p.missing(), p.arg());
        }
        if (p.ino() == FsReader.ROOT) {
            return new PfsTarget(p.store(), p.pfs(), FsReader.ROOT, null, java.util.List.of(), p.arg());
        }
        Path last = Path.of(p.arg()).toAbsolutePath().normalize().getFileName();
        return new PfsTarget(p.store(), p.pfs(), p.parentIno(), last.toString(), java.util.List.of(), p.arg());
    }
}
