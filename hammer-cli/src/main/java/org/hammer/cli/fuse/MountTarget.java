package org.hammer.cli.fuse;

import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;

/**
 * What a mount shows: PFS {@code pfs} of the store in {@code storeDir}, at its default state or,
 * when {@code pinned != 0}, as of that TID (read-only).
 */
record MountTarget(Path storeDir, int pfs, long pinned) {

    MountTarget {
        storeDir = storeDir.toAbsolutePath().normalize();
    }

    View view() {
        return new View(pfs, pinned);
    }

    /**
     * A store directory mounts its PFS #0; any other path must name the root of a PFS (through a
     * store directory, a mount, or a PFS link).
     */
    static MountTarget resolve(String arg) {
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        if (Store.isStore(abs)) {
            return new MountTarget(abs, 0, 0);
        }
        try (PfsPath p = PfsPath.resolve(arg)) {
            if (!p.exists()) {
                throw HammerException.notFound(arg + ": no such file or directory");
            }
            if (!p.isPfsRoot()) {
                throw HammerException.refused(arg + ": not a PFS (make one with pfs-master or pfs-slave)");
            }
            return new MountTarget(p.store().dir(), p.pfs(), p.historical() ? p.asOf() : 0);
        }
    }

    /** The form passed to the daemon child: {@code pfs:tid}. */
    String spec() {
        return pfs + ":" + Tid.format(pinned);
    }

    static MountTarget ofSpec(Path storeDir, String spec) {
        String[] p = spec.split(":", 2);
        try {
            return new MountTarget(storeDir, Integer.parseInt(p[0]), Tid.parseHex(p[1]));
        } catch (RuntimeException e) {
            throw HammerException.usage("bad --resolved value '" + spec + "'");
        }
    }
}
