package org.hammer.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/**
 * Snapshot softlinks (HAMMER.md §3.4): where they go, what they point at, and which TID a link
 * names. A link inside an unmounted store is created in its PFS; anywhere else (a plain directory
 * or a mount) it is an ordinary symlink.
 */
final class SnapshotLinks {

    private SnapshotLinks() {
    }

    /** The link text for {@code tid}: {@code <pfs root path>/@@0x<tid>}, or the store form. */
    static String target(PfsPath fs, long tid) {
        Path arg = Path.of(fs.arg()).toAbsolutePath().normalize();
        // A link into a store directory would dangle for everything but hammer: a mount of the PFS shows it.
        Path mounted = inStore(arg) ? mountPoint(fs.store().dir(), fs.pfs()) : null;
        if (mounted != null) {
            return mounted + "/" + AsOfName.of("", tid).format();
        }
        if (fs.isPfsRoot() && !fs.historical()) {
            return arg + "/" + AsOfName.of("", tid).format();
        }
        return fs.store().dir().toAbsolutePath() + "/" + AsOfName.pfsRoot(fs.pfs(), tid).format();
    }

    /** Where PFS {@code pfs} of the store in {@code storeDir} is mounted, or null. */
    private static Path mountPoint(Path storeDir, int pfs) {
        Path store = real(storeDir);
        for (MountTable.Mount m : MountTable.read()) {
            if (m.pfs() == pfs && real(m.storeDir()).equals(store)) {
                return m.mountPoint();
            }
        }
        return null;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** True when {@code linkText} is a PFS link ({@code @@PFS%05d}, {@code @@-1:%05d}, {@code @@0x<tid>:%05d}). */
    static boolean isPfsLink(String linkText) {
        String t = linkText.endsWith("/") ? linkText.substring(0, linkText.length() - 1) : linkText;
        AsOfName last = AsOfName.tryParse(t.substring(t.lastIndexOf('/') + 1));
        return last != null && last.selectsPfs() && !t.contains("/");
    }

    /** The TID a snapshot link's text names (its last name is {@code [name]@@0x<tid>[:NNNNN]}), or -1. */
    static long tidOf(String linkText) {
        String t = linkText.endsWith("/") ? linkText.substring(0, linkText.length() - 1) : linkText;
        AsOfName last = AsOfName.tryParse(t.substring(t.lastIndexOf('/') + 1));
        return last == null || last.current() ? -1 : last.tid();
    }

    /** True when {@code abs} lies inside an unmounted store directory. */
    static boolean inStore(Path abs) {
        if (MountTable.find(abs) != null) {
            return false;
        }
        for (Path d = abs; d != null; d = d.getParent()) {
            if (Store.isStore(d)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Creates the link for a snapshot taken at {@code when}: in {@code where} named
     * {@code snap-%Y%m%d-%H%M} when it is a directory (with seconds if that name is taken), else at
     * {@code where} expanded as a strftime format. Returns the link's path.
     */
    static String create(String where, String target, ZonedDateTime when) throws IOException {
        String expanded = Strftime.format(where, when);
        Path abs = Path.of(expanded).toAbsolutePath().normalize();
        if (inStore(abs)) {
            return createInStore(abs, target, when);
        }
        Path link = abs;
        if (Files.isDirectory(abs)) {
            link = abs.resolve(Strftime.format("snap-%Y%m%d-%H%M", when));
            if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                link = abs.resolve(Strftime.format("snap-%Y%m%d-%H%M%S", when));
            }
        }
        try {
            Files.createSymbolicLink(link, Path.of(target));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw HammerException.refused(link + ": file exists");
        }
        return link.toString();
    }

    private static String createInStore(Path abs, String target, ZonedDateTime when) {
        try (PfsPath p = PfsPath.resolve(abs.toString())) {
            if (p.historical()) {
                throw HammerException.refused(abs + ": read-only (an older state)");
            }
            boolean isDir = p.exists() && p.store().read(r -> new FsReader(r, p.pfs(), p.asOf()).getattr(p.ino()).isDir());
            long dir;
            String name;
            Path link;
            if (isDir) {
                dir = p.ino();
                boolean taken = p.store().read(r -> new FsReader(r, p.pfs(), p.asOf())
                        .find(p.ino(), Strftime.format("snap-%Y%m%d-%H%M", when)) != 0);
                name = Strftime.format(taken ? "snap-%Y%m%d-%H%M%S" : "snap-%Y%m%d-%H%M", when);
                link = abs.resolve(name);
            } else if (p.missing().size() == 1) {
                dir = p.ino();
                name = p.missing().get(0);
                link = abs;
            } else {
                throw HammerException.notFound(abs + (p.exists() ? ": file exists" : ": no such directory"));
            }
            p.store().write(w -> Pfses.writer(w, p.pfs()).symlink(dir, name, target, 0, 0));
            return link.toString();
        }
    }

    /** The text of the snapshot link at {@code arg}, or null when it is not a symlink. */
    static String read(String arg) throws IOException {
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        if (!inStore(abs)) {
            return Files.isSymbolicLink(abs) ? Files.readSymbolicLink(abs).toString() : null;
        }
        try (PfsPath p = PfsPath.resolve(arg)) {
            if (!p.exists()) {
                throw HammerException.notFound(arg + ": no such file or directory");
            }
            return p.store().read(r -> {
                FsReader fs = new FsReader(r, p.pfs(), p.asOf());
                return fs.getattr(p.ino()).isSymlink() ? fs.readlink(p.ino()) : null;
            });
        }
    }

    /** Removes the link at {@code arg}. */
    static void remove(String arg) throws IOException {
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        if (!inStore(abs)) {
            Files.delete(abs);
            return;
        }
        try (PfsPath p = PfsPath.resolve(arg)) {
            p.store().write(w -> {
                Pfses.writer(w, p.pfs()).unlink(p.parentIno(), abs.getFileName().toString());
                return null;
            });
        }
    }
}
