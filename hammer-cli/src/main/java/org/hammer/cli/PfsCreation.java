package org.hammer.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.PfsUpdate;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/**
 * What pfs-master and pfs-slave share (HAMMER.md §1.2): the path must not exist and must lie in
 * PFS #0; missing parent directories are made; the PFS and its {@code @@PFS%05d} link are
 * created; the pfs-update options are applied; the status block is printed.
 */
final class PfsCreation {

    static final String NOT_FROM_A_PFS = "You are attempting to access a PFS softlink from a PFS.  "
            + "It may not represent the PFS on the main filesystem mount that you expect!  "
            + "You may only access PFS softlinks via the main filesystem mount!";

    private PfsCreation() {
    }

    static int create(PrintWriter out, String path, PfsMode mode, List<String> options) {
        PfsUpdate update;
        try {
            update = PfsUpdate.parse(options);
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        Path last = Path.of(path).getFileName();
        try {
            Pfses.checkName(last == null ? "" : last.toString());
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        try (PfsPath p = PfsPath.resolve(path)) {
            List<String> missing = p.missing();
            if (missing.isEmpty()) {
                throw HammerException.refused("Cannot create " + path + ", file exists!");
            }
            if (p.pfs() != 0) {
                throw HammerException.refused(NOT_FROM_A_PFS);
            }
            if (p.historical()) {
                throw HammerException.refused("a PFS cannot be created in a historical (@@0x...) view");
            }
            Store store = p.store();
            long dir = makeParents(store, p.ino(), missing.subList(0, missing.size() - 1));
            String name = missing.get(missing.size() - 1);
            PfsConfig created = Pfses.create(store, dir, name, mode, update.sharedUuid().orElse(null));
            if (!update.isEmpty()) {
                store.apply(w -> {
                    PfsTable.put(w, update.applyTo(PfsTable.get(w, created.id())));
                    return null;
                });
            }
            out.printf("Creating PFS#%d succeeded!%n%s%n", created.id(), path);
            out.print(PfsTarget.block(store, created.id()));
            out.flush();
            return 0;
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
    }

    /** Makes {@code names} under {@code dir} in PFS #0, as mkdir -p; returns the innermost. */
    private static long makeParents(Store store, long dir, List<String> names) {
        if (names.isEmpty()) {
            return dir;
        }
        return store.write(w -> {
            FsWriter root = Pfses.writer(w, 0);
            long d = dir;
            for (String name : names) {
                d = root.mkdir(d, name, 0755, 0, 0);
            }
            return d;
        });
    }
}
