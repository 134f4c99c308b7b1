package org.hammer.core.pfs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.FsReader;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;

/**
 * A command-line path resolved to a place in a store: which PFS, as of which TID, which object,
 * and which trailing names do not exist yet. Paths may go through an unmounted store directory
 * ({@code STORE/pfs/test/a}), a mount of the store, PFS links ({@code @@PFS00001},
 * {@code @@-1:00001}, {@code @@0x<tid>:00001}) and {@code name@@0x<tid>} as-of names
 * (HAMMER.md §2.2, parsed by {@link AsOfName}). It owns the opened store.
 */
public final class PfsPath implements AutoCloseable {

    private final String arg;
    private final Store store;
    /** The mount point or store directory the walk starts from, to resolve symbolic links against. */
    private Path base;
    private int pfs;
    private long asOf;
    private boolean asOfExplicit;
    private long ino = FsReader.ROOT;
    private long parent = FsReader.ROOT;
    private final List<String> missing = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    private PfsPath(String arg, Store store, int pfs) {
        this.arg = arg;
        this.store = store;
        this.pfs = pfs;
    }

    /** Symbolic links followed in one resolution before giving up, as the kernel's ELOOP. */
    private static final int MAX_LINKS = 40;

    /** Thrown inside a walk that met a symbolic link: resolve {@code target} instead. */
    private static final class Redirect extends RuntimeException {
        final Path target;

        Redirect(Path target) {
            super(null, null, false, false);
            this.target = target;
        }
    }

    /**
     * Resolves {@code arg}; fails with USAGE when a name has a malformed {@code @@} suffix, and
     * with NOT_FOUND when it is neither in a store nor in a mount.
     */
    public static PfsPath resolve(String arg) {
        AsOfName.check(arg);
        Path abs = Path.of(arg).toAbsolutePath().normalize();
        for (int links = 0; ; links++) {
            try {
                return resolve(arg, abs);
            } catch (Redirect r) {
                if (links >= MAX_LINKS) {
                    throw HammerException.failure(arg + ": too many levels of symbolic links");
                }
                abs = r.target;
            }
        }
    }

    private static PfsPath resolve(String arg, Path abs) {
        MountTable.Mount m = MountTable.find(abs);
        Path storeDir;
        int startPfs;
        Path rest;
        if (m != null) {
            storeDir = m.storeDir();
            startPfs = m.pfs();
            rest = m.mountPoint().relativize(abs);
        } else {
            Path dir = abs;
            while (dir != null && !Store.isStore(dir)) {
                dir = dir.getParent();
            }
            if (dir == null) {
                Path real = realPrefix(abs);
                if (!real.equals(abs)) {
                    throw new Redirect(real);
                }
                throw HammerException.notFound(arg + ": not inside a hammer store or mount");
            }
            storeDir = dir;
            startPfs = 0;
            rest = dir.relativize(abs);
        }
        Store store = Store.open(storeDir);
        try {
            PfsPath p = new PfsPath(arg, store, startPfs);
            p.base = m != null ? m.mountPoint() : storeDir;
            p.walk(rest);
            return p;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /** {@code abs} with the symbolic links of its longest existing prefix resolved. */
    private static Path realPrefix(Path abs) {
        Path existing = abs;
        while (existing != null && !java.nio.file.Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(abs)).normalize();
        } catch (java.io.IOException e) {
            return abs;
        }
    }

    private void walk(Path rest) {
        Path redirect = store.read(r -> {
            enter(r, pfs, -1);
            for (int idx = 0; idx < rest.getNameCount(); idx++) {
                String name = rest.getName(idx).toString();
                if (name.isEmpty()) {
                    continue;
                }
                if (!missing.isEmpty()) {
                    missing.add(name);
                    continue;
                }
                AsOfName special = parse(name);
                if (special != null && special.selectsPfs()) {
                    enter(r, special.pfs(), special.current() ? -1 : special.tid());
                    continue;
                }
                long at = 0;
                if (special != null) {
                    name = special.name();
                    at = special.current() ? 0 : special.tid();
                }
                FsReader fs = new FsReader(r, pfs, asOf);
                long child = name.isEmpty() || name.equals(".") ? ino : fs.exists(ino) ? fs.find(ino, name) : 0;
                if (child == 0) {
                    missing.add(name);
                    continue;
                }
                if (at != 0) {
                    asOf = at;
                    asOfExplicit = true;
                    fs = new FsReader(r, pfs, asOf);
                    if (!fs.exists(child)) {
                        throw HammerException.notFound(arg + ": " + name + " did not exist at " + Tid.format(at));
                    }
                }
                Inode i = fs.getattr(child);
                if (i.isSymlink() && pfs == 0) {
                    AsOfName target = AsOfName.tryParse(fs.readlink(child));
                    if (target != null && target.selectsPfs()) {
                        enter(r, target.pfs(), at != 0 ? at : target.current() ? -1 : target.tid());
                        continue;
                    }
                }
                if (i.isSymlink() && at == 0) {
                    Path linkDir = idx == 0 ? base : base.resolve(rest.subpath(0, idx));
                    Path target = linkDir.resolve(fs.readlink(child));
                    if (idx + 1 < rest.getNameCount()) {
                        target = target.resolve(rest.subpath(idx + 1, rest.getNameCount()));
                    }
                    return target.normalize();
                }
                parent = ino;
                ino = child;
                names.add(name);
            }
            return null;
        });
        if (redirect != null) {
            throw new Redirect(redirect);
        }
    }

    /** The {@code @@} form of a name met on the walk (also in a symbolic link's target), or null. */
    private AsOfName parse(String name) {
        try {
            return AsOfName.parse(name);
        } catch (HammerException e) {
            throw HammerException.usage(arg + ": " + e.getMessage());
        }
    }

    private void enter(org.hammer.core.store.StoreReader r, int id, long tid) {
        PfsConfig c = PfsTable.get(r, id);
        pfs = id;
        asOf = tid == -1 ? PfsTable.readTid(c) : tid;
        asOfExplicit = tid != -1;
        ino = FsReader.ROOT;
        parent = FsReader.ROOT;
        names.clear();
    }

    public String arg() {
        return arg;
    }

    public Store store() {
        return store;
    }

    public int pfs() {
        return pfs;
    }

    /** The TID reads are served at (Tid.MAX for the current state of a master). */
    public long asOf() {
        return asOf;
    }

    /** True when the path names an older state ({@code @@0x<tid>}): read-only. */
    public boolean historical() {
        return asOfExplicit;
    }

    /** The object the path names; meaningful only when {@link #exists()}. */
    public long ino() {
        return ino;
    }

    /** The directory holding the last existing object. */
    public long parentIno() {
        return parent;
    }

    public boolean exists() {
        return missing.isEmpty();
    }

    /** Names after the last existing directory that do not exist (yet). */
    public List<String> missing() {
        return List.copyOf(missing);
    }

    /** True when the path is the root of its PFS. */
    public boolean isPfsRoot() {
        return missing.isEmpty() && ino == FsReader.ROOT;
    }

    public PfsConfig config() {
        return store.read(r -> PfsTable.get(r, pfs));
    }

    @Override
    public void close() {
        store.close();
    }
}
