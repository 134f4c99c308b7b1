package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.hammer.cli.fuse.kernel.Attr;
import org.hammer.cli.fuse.kernel.Reply;
import org.hammer.cli.fuse.kernel.Request;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.store.Store;

/**
 * A mount served on the FUSE kernel protocol: lookups count node ids ({@link NodeIds}), so the
 * kernel keeps names and attributes ({@link KernelFiles#validity}) and a hard-linked file is one
 * kernel inode; attributes, the namespace and directory listings here, file data in
 * {@link KernelFiles}. Semantics are {@link Namespace}'s, {@link Caller}'s and {@link Attributes}'s.
 */
final class KernelFs extends KernelFiles {
    private static final int BLOCK = 4096;
    private static final int RENAME_NOREPLACE = 1;
    private static final int EINVAL = 22;

    private final Store store;
    private final Path storeDir;
    /** Each open directory's listing, taken when it is read from its start. */
    private final ConcurrentHashMap<Long, List<Entry>> listings = new ConcurrentHashMap<>();

    KernelFs(Store store, Path storeDir, Committer<Ctx> committer, View root, Handles handles, MountProbe probe) {
        super(committer, root, handles, probe);
        this.store = store;
        this.storeDir = storeDir;
    }

    /** A node with its attributes, how long the kernel may keep them, and its open flags. */
    private record Found(Node node, Attributes.Stat stat, Validity valid, int openFlags) {
    }

    private Found stat(Node n) {
        if (committer.settled()) {
            return committer.read(ctx -> found(ctx, n));
        }
        return committer.readData(n, ctx -> found(ctx, n));
    }

    private Found found(Ctx ctx, Node n) {
        Attributes.Stat s = attrs.stat(ctx, n);
        return new Found(n, s, validity(ctx, n, s), openFlags(ctx, n));
    }

    /** Answers with the entry of {@code f}, which the kernel now holds one more lookup of. */
    private int entry(Found f, NodeIds.Key key, Reply out) {
        long id = nodes.lookedUp(key);
        out.entry(id, 0, f.valid().entryNs(), f.valid().attrNs(), attrs.attr(f.stat()));
        return 0;
    }

    private int entry(Node n, Reply out) {
        return entry(stat(n), NodeIds.Key.of(n), out);
    }

    // ---- names ----

    @Override
    public int lookup(Request r, String name, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            Node dir = node(r);
            boolean settled = committer.settled();
            Object found = committer.read(ctx -> {
                if (!c.root()) {
                    c.check(ctx.getattr(dir), Caller.X, name);
                }
                Node n = resolver.find(ctx, dir, name);
                if (n == null) {
                    return missingNs(ctx, dir, name);
                }
                return !settled ? n : found(ctx, n); // with data being written back, its size after it
            });
            if (found instanceof Long keep) {
                if (keep == 0) {
                    return -Errno.ENOENT.code();
                }
                out.entry(0, 0, keep, 0, Attr.NONE); // the kernel keeps the name's absence
                return 0;
            }
            Found f = found instanceof Found x ? x : stat((Node) found);
            Node n = f.node();
            boolean alias = Resolver.isSpecial(name);
            return entry(f, alias ? new NodeIds.Key(n, r.nodeId(), name) : NodeIds.Key.of(n), out);
        });
    }

    /**
     * How long the kernel may keep that {@code name} is not in {@code dir}: as long as it keeps a
     * name that is there, in a master or at a fixed TID; not at all in a slave, which moves
     * forward under the mount, nor for a name of the history ({@code @@...}), which may come to
     * mean a TID the store has reached since.
     */
    private long missingNs(Ctx ctx, Node dir, String name) {
        View v = dir.view();
        if (Resolver.isSpecial(name) || !v.isPinned() && ctx.config(v.pfs()).isSlave()) {
            return 0L;
        }
        return v.isPinned() ? KEEP_NS : WATCHED_NS;
    }

    @Override
    public void forget(long nodeId, long count) {
        nodes.forget(nodeId, count);
    }

    @Override
    public int mknod(Request r, String name, int mode, int rdev, int umask, Reply out) {
        Caller c = caller(r);
        return run(() -> entry(ns.mknod(node(r), name, mode, rdev, c), out));
    }

    @Override
    public int mkdir(Request r, String name, int mode, int umask, Reply out) {
        Caller c = caller(r);
        return run(() -> entry(ns.mkdir(node(r), name, mode, c), out));
    }

    @Override
    public int symlink(Request r, String name, String target, Reply out) {
        Caller c = caller(r);
        return run(() -> entry(ns.symlink(target, node(r), name, c), out));
    }

    @Override
    public int link(Request r, long oldNode, String newName, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            Node src = nodes.node(oldNode);
            ns.link(src, node(r), newName, c);
            return entry(src, out);
        });
    }

    @Override
    public int unlink(Request r, String name) {
        Caller c = caller(r);
        return run(() -> {
            ns.unlink(node(r), name, c);
            return 0;
        });
    }

    @Override
    public int rmdir(Request r, String name) {
        Caller c = caller(r);
        return run(() -> {
            ns.rmdir(node(r), name, c);
            return 0;
        });
    }

    @Override
    public int rename(Request r, String name, long newDir, String newName, int flags) {
        if ((flags & ~RENAME_NOREPLACE) != 0) {
            return EINVAL; // RENAME_EXCHANGE, RENAME_WHITEOUT
        }
        Caller c = caller(r);
        return run(() -> {
            Node from = node(r);
            Node to = nodes.node(newDir);
            if ((flags & RENAME_NOREPLACE) != 0
                    && committer.read(ctx -> ctx.reader(to.view()).find(to.ino(), newName)) != 0) {
                throw new FsException(Errno.EEXIST, newName + ": exists");
            }
            ns.rename(from, name, to, newName, c);
            return 0;
        });
    }

    @Override
    public int create(Request r, String name, int flags, int mode, int umask, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            Node n = ns.mknod(node(r), name, (mode & Inode.S_IFMT) == 0 ? mode | Inode.S_IFREG : mode, 0, c);
            Found f = stat(n);
            long fh = handles.open(n);
            entry(f, NodeIds.Key.of(n), out);
            out.open(fh, f.openFlags());
            return 0;
        });
    }

    // ---- attributes ----

    @Override
    public int getattr(Request r, long fh, Reply out) {
        return run(() -> {
            Found f = stat(node(r, fh));
            out.attrOut(f.valid().attrNs(), attrs.attr(f.stat()));
            return 0;
        });
    }

    /**
     * SETATTR: owner and group, then mode, size and times, each checked as its own call would be;
     * with FATTR_KILL_SUIDGID (a truncate or chown by a caller without CAP_FSETID) the set-id bits
     * a local disk clears then.
     */
    @Override
    public int setattr(Request r, SetAttr a, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            Node n = node(r, a.has(SetAttr.FH) ? a.fh() : 0);
            if (a.has(SetAttr.UID) || a.has(SetAttr.GID)) {
                ns.chown(n, a.has(SetAttr.UID) ? a.uid() : -1, a.has(SetAttr.GID) ? a.gid() : -1, c);
            }
            if (a.has(SetAttr.MODE)) {
                ns.chmod(n, a.mode(), c);
            }
            if (a.has(SetAttr.SIZE)) {
                if (a.has(SetAttr.FH) && handles.get(a.fh()) != null) {
                    ns.truncate(n, a.size());
                } else {
                    ns.truncate(n, a.size(), c);
                }
            }
            if (a.has(SetAttr.KILL_SUIDGID) && !a.has(SetAttr.MODE)) {
                io.killSetId(n); // a truncate or chown by a caller without CAP_FSETID (HANDLE_KILLPRIV_V2)
            }
            if (a.has(SetAttr.ATIME) || a.has(SetAttr.MTIME)) {
                boolean explicit = a.has(SetAttr.ATIME) && a.atimeNs() != -1
                        || a.has(SetAttr.MTIME) && a.mtimeNs() != -1;
                ns.utimens(n, time(a, SetAttr.ATIME, a.atimeNs()), time(a, SetAttr.MTIME, a.mtimeNs()), explicit, c);
            }
            Found f = stat(n);
            out.attrOut(f.valid().attrNs(), attrs.attr(f.stat()));
            return 0;
        });
    }

    /** A time to set: -1 (leave it) when not asked for, now when asked for "now". */
    private static long time(SetAttr a, int bit, long ns) {
        if (!a.has(bit)) {
            return -1;
        }
        if (ns == -1) {
            Instant now = Instant.now();
            return now.getEpochSecond() * SECOND + now.getNano();
        }
        return ns;
    }

    @Override
    public int readlink(Request r, Reply out) {
        return run(() -> {
            Node n = node(r);
            byte[] b = committer.read(ctx -> attrs.readlink(ctx, n)).getBytes(StandardCharsets.UTF_8);
            out.data(b, 0, b.length);
            return 0;
        });
    }

    @Override
    public int statfs(Request r, Reply out) {
        return run(() -> {
            StoreSpace space = StoreSpace.of(store, storeDir);
            out.statfs(space.blocks(), space.free(), space.available(), 1L << 32, 1L << 31, StoreSpace.BLOCK, 255,
                    StoreSpace.BLOCK);
            return 0;
        });
    }

    // ---- directories ----

    @Override
    public int opendir(Request r, int flags, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            Node n = node(r);
            int open = committer.read(ctx -> {
                if (!c.root()) {
                    c.check(ctx.getattr(n), Caller.R, "opendir");
                }
                return dirOpenFlags(ctx, n);
            });
            out.open(handles.open(n), open);
            return 0;
        });
    }

    /**
     * READDIR and READDIRPLUS: the listing is taken when a directory is read from its start and
     * kept with its handle; each entry's offset is its index + 1. READDIRPLUS gives each name but
     * "." and ".." with its node and attributes, one lookup each.
     */
    @Override
    public int readdir(Request r, long fh, long offset, int size, boolean plus, Reply out) {
        return run(() -> {
            Node dir = node(r, fh);
            List<Entry> all = offset == 0 || !listings.containsKey(fh) ? ns.list(dir) : listings.get(fh);
            if (handles.get(fh) != null) {
                listings.put(fh, all);
            }
            List<byte[]> names = new ArrayList<>();
            int used = 0;
            for (int i = (int) offset; i < all.size(); i++) {
                byte[] name = all.get(i).name().getBytes(StandardCharsets.UTF_8);
                int need = plus ? direntPlusSize(name.length) : direntSize(name.length);
                if (used + need > size) {
                    break;
                }
                used += need;
                names.add(name);
            }
            Found[] found = plus ? statAll(dir, all, (int) offset, names.size()) : null;
            for (int k = 0; k < names.size(); k++) {
                int i = (int) offset + k;
                Entry e = all.get(i);
                Node child = new Node(dir.view(), e.ino());
                if (!plus) {
                    out.dirent(attrs.ino(child), i + 1, e.fileType(), names.get(k), size);
                } else if (found[k] == null) {
                    out.direntPlus(0, 0, 0, attrs.entryAttr(child, e.fileType()), i + 1, names.get(k));
                } else {
                    Found f = found[k];
                    long id = nodes.lookedUp(NodeIds.Key.of(child));
                    out.direntPlus(id, f.valid().entryNs(), f.valid().attrNs(), attrs.attr(f.stat()), i + 1, names.get(k));
                }
            }
            return 0;
        });
    }

    /**
     * The attributes of READDIRPLUS's entries {@code from} .. {@code from + count - 1} but "." and
     * "..": all in one snapshot when no file data is being written back, else each after its own;
     * null for those and for a name gone since the listing was taken (given without its node).
     */
    private Found[] statAll(Node dir, List<Entry> all, int from, int count) {
        Found[] found = new Found[count];
        if (committer.settled()) {
            return committer.read(ctx -> statEach(dir, all, from, found, n -> found(ctx, n)));
        }
        return statEach(dir, all, from, found, this::stat);
    }

    private static Found[] statEach(Node dir, List<Entry> all, int from, Found[] found, Function<Node, Found> stat) {
        for (int k = Math.max(0, 2 - from); k < found.length; k++) {
            try {
                found[k] = stat.apply(new Node(dir.view(), all.get(from + k).ino()));
            } catch (FsException x) {
                found[k] = null;
            }
        }
        return found;
    }

    private static int direntSize(int nameLength) {
        return (24 + nameLength + 7) & ~7;
    }

    private static int direntPlusSize(int nameLength) {
        return 128 + direntSize(nameLength);
    }

    @Override
    public int releasedir(Request r, long fh) {
        listings.remove(fh);
        return run(() -> {
            io.release(fh);
            return 0;
        });
    }

    @Override
    public int fsyncdir(Request r, long fh) {
        return run(() -> {
            committer.sync();
            return 0;
        });
    }
}
