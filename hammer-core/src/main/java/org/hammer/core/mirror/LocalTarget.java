package org.hammer.core.mirror;

import java.util.List;
import java.util.function.Predicate;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.proto.Pfsd;

/**
 * Opens the slave a local mirror-write goes into, creating it with the source's shared-uuid when
 * it does not exist and {@code create} agrees (HAMMER.md §1.8). Owns the store it opens.
 */
public final class LocalTarget implements MirrorTarget.Opener, AutoCloseable {
    private final String arg;
    private final Predicate<String> create;
    private PfsPath path;

    /** {@code create} is asked (with the question to show) whether to create a missing slave. */
    public LocalTarget(String arg, Predicate<String> create) {
        this.arg = arg;
        this.create = create;
    }

    /** Resolves the slave's path, opening its store, while the source opens its own. */
    @Override
    public void prepare() {
        try {
            path = PfsPath.resolve(arg);
        } catch (RuntimeException e) {
            path = null; // resolved again, and reported, by open()
        }
    }

    @Override
    public MirrorTarget.Resolved open(Pfsd source) {
        if (path == null) {
            path = PfsPath.resolve(arg);
        }
        if (!path.exists()) {
            List<String> missing = path.missing();
            if (path.pfs() != 0 || path.historical()) {
                throw HammerException.refused(arg + ": a slave PFS can only be created inside PFS #0");
            }
            if (!create.test("PFS slave " + arg + " does not exist.\nDo you want to create a new slave PFS? [y/n] ")) {
                throw HammerException.notFound(arg + ": PFS slave does not exist (use -y to create it)");
            }
            java.util.UUID shared = Codec.uuid(source.getSharedUuid(), "source");
            long dir = path.store().write(w -> {
                FsWriter f = Pfses.writer(w, 0);
                long d = path.ino();
                for (String name : missing.subList(0, missing.size() - 1)) {
                    long next = f.find(d, name);
                    d = next != 0 ? next : f.mkdir(d, name, 0755, 0, 0);
                }
                return d;
            });
            Pfses.create(path.store(), dir, missing.get(missing.size() - 1), PfsMode.SLAVE, shared);
            path.close();
            path = PfsPath.resolve(arg);
        }
        if (!path.isPfsRoot() || path.pfs() == 0) {
            throw HammerException.refused(arg + ": not a PFS (give the PFS link, e.g. STORE/pfs/name)");
        }
        if (path.historical()) {
            throw HammerException.refused(arg + ": an as-of path is read-only");
        }
        PfsConfig c = path.config();
        return new MirrorTarget.Resolved(path.store(), c.id(), arg, true);
    }

    @Override
    public void close() {
        if (path != null) {
            path.close();
        }
    }
}
