package org.hammer.core.scrub;

import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.store.Store;

/**
 * What a command-line path asks a scrub to check: a store directory, or the mount point of a
 * store's PFS #0, is the whole store; any other path ({@code STORE/pfs/x}, a mounted PFS, a file
 * in one) is the PFS it lies in. {@code root} names that PFS's root (PFS #0's for the whole store)
 * the way the user does, when it can be told. A path whose resolution meets damage falls back to
 * the whole store it lies in, and says so in {@code note}.
 */
public record ScrubTarget(Path storeDir, int pfs, String root, String note) {

    public static ScrubTarget resolve(String arg) {
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        if (Store.isStore(abs)) {
            return new ScrubTarget(abs, Scrub.WHOLE_STORE, abs.toString(), null);
        }
        MountTable.Mount m = MountTable.find(abs);
        if (m != null && m.pfs() == 0 && m.mountPoint().equals(abs)) {
            return new ScrubTarget(m.storeDir(), Scrub.WHOLE_STORE, abs.toString(), null);
        }
        try (PfsPath p = PfsPath.resolve(arg)) {
            if (!p.exists()) {
                throw HammerException.notFound(arg + ": no such file or directory");
            }
            return new ScrubTarget(p.store().dir(), p.pfs(), root(p, abs), null);
        } catch (HammerException e) {
            Path dir = e.kind() == HammerException.Kind.CORRUPT ? storeOf(abs) : null;
            if (dir == null) {
                throw e;
            }
            return new ScrubTarget(dir, Scrub.WHOLE_STORE, dir.toString(),
                    arg + ": " + e.getMessage() + "; scrubbing the whole store " + dir);
        }
    }

    /** The root of {@code p}'s PFS as {@code abs} names it: {@code abs} less the path of its object in the PFS. */
    private static String root(PfsPath p, Path abs) {
        if (p.historical()) {
            return null;
        }
        if (p.isPfsRoot()) {
            return abs.toString();
        }
        try {
            String rel = p.store().read(r -> new PathNames("").relative(r, p.pfs(), p.ino(), p.asOf()));
            String s = abs.toString();
            return rel != null && !rel.isEmpty() && s.endsWith(rel) ? s.substring(0, s.length() - rel.length()) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The store directory {@code abs} lies in (through a mount or not), or null. */
    private static Path storeOf(Path abs) {
        MountTable.Mount m = MountTable.find(abs);
        if (m != null) {
            return m.storeDir();
        }
        for (Path d = abs; d != null; d = d.getParent()) {
            if (Store.isStore(d)) {
                return d;
            }
        }
        return null;
    }
}
