package org.hammer.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsStatus;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;

/** Resolving the existing PFS a pfs-* command names, and printing its status block. */
final class PfsTarget {

    private PfsTarget() {
    }

    /** Resolves {@code arg}, which must exist; the caller closes the result. */
    static PfsPath existing(String arg) {
        PfsPath p = PfsPath.resolve(arg);
        if (!p.exists()) {
            p.close();
            throw HammerException.notFound(arg + ": no such file or directory");
        }
        return p;
    }

    /** The hammer(8) status block of PFS {@code id}, read in one snapshot. */
    static String block(Store store, int id) {
        return store.read(r -> {
            PfsConfig c = PfsTable.get(r, id);
            return PfsStatus.block(c, PfsTable.syncEndTid(r, c));
        });
    }

    /** {@code p} with symlinks resolved when it exists, so that two names of one store compare equal. */
    static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** {@code "label"} as hammer(8) shows it after a PFS id: {@code PFS#3 (label)}. */
    static String named(PfsConfig c) {
        return "PFS#" + c.id() + " (" + c.label() + ")";
    }
}
