package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.hammer.cli.fuse.kernel.Attr;
import org.hammer.cli.fuse.kernel.Reply;
import org.hammer.cli.fuse.kernel.Request;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.btree.DirEntry;
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
    /** The index bits of a readdir offset all set: names of one hash past {@link DirEntry#NAMES_PER_HASH}. */
    private static final long LAST_INDEX = 0x7FFF;

    private final Store store;
    private final Path storeDir;

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
            long fh = openHandle(n, flags, false);
            entry(f, NodeIds.Key.of(n), out);
            out.open(fh, f.openFlags() | directIo(flags));
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

    /**
     * OPENDIR is answered ENOSYS, once: the kernel then opens every directory of the mount
     * without asking (no OPENDIR, no RELEASEDIR: two round trips of each directory a tool walks),
     * and keeps each directory's listing until the directory changes (FOPEN_CACHE_DIR, the
     * default without OPENDIR). It checks the caller's read permission itself
     * ({@code default_permissions}, which this backend always mounts with). What it keeps is dropped
     * as a file's attributes are: by a change through the mount, by the directory's mtime, and by
     * the mount's word when another process wrote a master or a slave moved forward. A kernel
     * older than Linux 5.1 would fail the open with ENOSYS: it gets a handle, and the listings of
     * all but slaves are kept.
     */
    @Override
    public int opendir(Request r, int flags, boolean declinable, Reply out) {
        if (declinable) {
            return ENOSYS;
        }
        Caller c = caller(r);
        return run(() -> {
            Node n = node(r);
            int open = committer.read(ctx -> {
                if (!c.root()) {
                    c.check(ctx.getattr(n), Caller.R, "opendir");
                }
                return openFlags(ctx, n) != 0 ? FOPEN_KEEP_CACHE | FOPEN_CACHE_DIR : 0;
            });
            out.open(handles.open(n), open);
            return 0;
        });
    }

    /**
     * READDIR and READDIRPLUS without a handle: each reply is read from the store after the
     * offset it is given, so an entry neither made nor removed while a directory is read comes
     * exactly once. An entry's offset is its cookie ({@link #offsetOf}). READDIRPLUS gives each
     * name but "." and ".." with its node and attributes.
     */
    @Override
    public int readdir(Request r, long fh, long offset, int size, boolean plus, Reply out) {
        return run(() -> {
            Node dir = node(r, fh);
            List<Entry> page = ns.page(dir, cookieAt(offset), size / (plus ? direntPlusSize(1) : direntSize(1)) + 1);
            List<byte[]> names = new ArrayList<>();
            int used = 0;
            for (Entry e : page) {
                byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
                int need = plus ? direntPlusSize(name.length) : direntSize(name.length);
                if (used + need > size) {
                    break;
                }
                used += need;
                names.add(name);
            }
            Found[] found = plus ? statAll(dir, page.subList(0, names.size())) : null;
            for (int k = 0; k < names.size(); k++) {
                Entry e = page.get(k);
                Node child = new Node(dir.view(), e.ino());
                long off = offsetOf(e.cookie());
                if (!plus) {
                    out.dirent(attrs.ino(child), off, e.fileType(), names.get(k), size);
                } else if (found[k] == null) {
                    out.direntPlus(0, 0, 0, attrs.entryAttr(child, e.fileType()), off, names.get(k));
                } else {
                    Found f = found[k];
                    long id = nodes.lookedUp(NodeIds.Key.of(child));
                    out.direntPlus(id, f.valid().entryNs(), f.valid().attrNs(), attrs.attr(f.stat()), off, names.get(k));
                }
            }
            return 0;
        });
    }

    /**
     * The offset the kernel is given for an entry of cookie {@code cookie}: the cookie's order in
     * 63 bits, as a directory offset must be positive for {@code lseek} and {@code seekdir}. A
     * cookie is a 48-bit name hash and an index among the names sharing it, of which a directory
     * takes {@link DirEntry#NAMES_PER_HASH}: 15 bits. A name past those (a store written before
     * that bound) gets the last offset of its hash, and a read resumed there goes on with the
     * next hash: such names may be missed, and a read never comes back to where it was.
     */
    static long offsetOf(long cookie) {
        if (Long.compareUnsigned(cookie, 3) < 0) {
            return cookie;
        }
        return (cookie >>> 16) << 15 | Math.min(cookie & 0xFFFF, LAST_INDEX);
    }

    /** The cookie of the entry that the kernel's {@code offset} stands for ({@link #offsetOf}'s inverse). */
    static long cookieAt(long offset) {
        if (offset < 3) {
            return Math.max(offset, 0);
        }
        long index = offset & LAST_INDEX;
        return (offset >>> 15) << 16 | (index == LAST_INDEX ? 0xFFFF : index);
    }

    /**
     * The attributes of READDIRPLUS's entries but "." and "..": all in one snapshot when no file
     * data is being written back, else each after its own; null for those two and for a name gone
     * since the page was read (given without its node).
     */
    private Found[] statAll(Node dir, List<Entry> page) {
        if (committer.settled()) {
            return committer.read(ctx -> statEach(dir, page, n -> found(ctx, n)));
        }
        return statEach(dir, page, this::stat);
    }

    private static Found[] statEach(Node dir, List<Entry> page, Function<Node, Found> stat) {
        Found[] found = new Found[page.size()];
        for (int k = 0; k < found.length; k++) {
            if (Long.compareUnsigned(page.get(k).cookie(), 3) < 0) {
                continue;
            }
            try {
                found[k] = stat.apply(new Node(dir.view(), page.get(k).ino()));
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
