package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;

/** The path-based changes of a mount, each one task of the {@link Committer}. */
final class Namespace {
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;

    /**
     * Linux's fs.protected_hardlinks, read once: whether only the owner (or someone who may read
     * and write it) links to a file — the kernel cannot tell without default_permissions.
     */
    private static final boolean PROTECTED_HARDLINKS = protectedHardlinks();

    private final Committer<Ctx> committer;
    private final Resolver resolver;

    Namespace(Committer<Ctx> committer, Resolver resolver) {
        this.committer = committer;
        this.resolver = resolver;
    }

    /** A directory node and a name in it, and how errors name them. */
    private record Parent(Node dir, String name, String what) {
    }

    /** The directory and name of {@code path}, searched by {@code c}. */
    private Parent parent(Ctx ctx, String path, Caller c) {
        String[] p = Resolver.split(path);
        Node dir = resolver.resolve(ctx, p[0], c);
        if (Resolver.isSpecial(p[1])) {
            throw new FsException(Errno.EEXIST, p[1] + ": a name of the history, it cannot be made");
        }
        return new Parent(dir, p[1], path);
    }

    /** Name {@code name} in directory {@code dir}, as the kernel protocol names it. */
    private static Parent named(Node dir, String name) {
        FsReader.checkLength(name);
        if (Resolver.isSpecial(name)) {
            throw new FsException(Errno.EEXIST, name + ": a name of the history, it cannot be made");
        }
        return new Parent(dir, name, name);
    }

    /** As {@link #parent}, where {@code c} adds or removes the name: write and search permission. */
    private static Parent changing(Ctx ctx, Parent p, Caller c) {
        if (!c.root()) {
            c.check(ctx.getattr(p.dir()), Caller.W | Caller.X, p.what());
        }
        return p;
    }

    /** As {@link #changing}, for removing or replacing the name (the sticky-directory rule too). */
    private static Parent removing(Ctx ctx, Parent p, Caller c) {
        changing(ctx, p, c);
        if (!c.root()) {
            Inode dir = ctx.getattr(p.dir());
            if ((dir.mode() & Inode.S_ISVTX) != 0) {
                FsReader r = ctx.reader(p.dir().view());
                c.checkSticky(dir, r.getattr(r.lookup(p.dir().ino(), p.name())), p.what());
            }
        }
        return p;
    }

    /** The group a new object gets, and whether a new directory inherits set-group-id (BSD/SysV rule). */
    private static int group(Ctx ctx, Node dir, Caller c) {
        Inode d = ctx.getattr(dir);
        return (d.mode() & Inode.S_ISGID) != 0 ? d.gid() : c.gid;
    }

    /** Creates a file, fifo, socket or device; returns its node. */
    Node mknod(String path, int mode, long rdev, Caller c) {
        return mknod(ctx -> parent(ctx, path, c), mode, rdev, c);
    }

    Node mknod(Node dir, String name, int mode, long rdev, Caller c) {
        return mknod(ctx -> named(dir, name), mode, rdev, c);
    }

    private Node mknod(Function<Ctx, Parent> where, int mode, long rdev, Caller c) {
        return committer.write(ctx -> {
            Parent p = changing(ctx, where.apply(ctx), c);
            FsWriter w = ctx.writer(p.dir().view());
            long ino = w.mknod(p.dir().ino(), p.name(), mode, c.uid, group(ctx, p.dir(), c), rdev);
            return new Node(p.dir().view(), ino);
        }, 0);
    }

    void mkdir(String path, int mode, Caller c) {
        mkdir(ctx -> parent(ctx, path, c), mode, c);
    }

    Node mkdir(Node dir, String name, int mode, Caller c) {
        return mkdir(ctx -> named(dir, name), mode, c);
    }

    private Node mkdir(Function<Ctx, Parent> where, int mode, Caller c) {
        return committer.write(ctx -> {
            Parent p = changing(ctx, where.apply(ctx), c);
            FsWriter w = ctx.writer(p.dir().view());
            boolean sgid = (ctx.getattr(p.dir()).mode() & Inode.S_ISGID) != 0;
            long ino = w.mkdir(p.dir().ino(), p.name(), mode | (sgid ? Inode.S_ISGID : 0), c.uid,
                    group(ctx, p.dir(), c));
            return new Node(p.dir().view(), ino);
        }, 0);
    }

    void unlink(String path, Caller c) {
        unlink(ctx -> parent(ctx, path, c), c);
    }

    void unlink(Node dir, String name, Caller c) {
        unlink(ctx -> named(dir, name), c);
    }

    private void unlink(Function<Ctx, Parent> where, Caller c) {
        committer.write(ctx -> {
            Parent p = removing(ctx, where.apply(ctx), c);
            claimLastName(ctx, p);
            ctx.writer(p.dir().view()).unlink(p.dir().ino(), p.name());
            return null;
        }, 0);
    }

    void rmdir(String path, Caller c) {
        rmdir(ctx -> parent(ctx, path, c), c);
    }

    void rmdir(Node dir, String name, Caller c) {
        rmdir(ctx -> named(dir, name), c);
    }

    private void rmdir(Function<Ctx, Parent> where, Caller c) {
        committer.write(ctx -> {
            Parent p = removing(ctx, where.apply(ctx), c);
            ctx.writer(p.dir().view()).rmdir(p.dir().ino(), p.name());
            return null;
        }, 0);
    }

    void symlink(String target, String path, Caller c) {
        symlink(target, ctx -> parent(ctx, path, c), c);
    }

    Node symlink(String target, Node dir, String name, Caller c) {
        return symlink(target, ctx -> named(dir, name), c);
    }

    private Node symlink(String target, Function<Ctx, Parent> where, Caller c) {
        return committer.write(ctx -> {
            Parent p = changing(ctx, where.apply(ctx), c);
            long ino = ctx.writer(p.dir().view()).symlink(p.dir().ino(), p.name(), target, c.uid,
                    group(ctx, p.dir(), c));
            return new Node(p.dir().view(), ino);
        }, 0);
    }

    void rename(String from, String to, Caller c) {
        rename(ctx -> parent(ctx, from, c), ctx -> parent(ctx, to, c), c);
    }

    void rename(Node fromDir, String fromName, Node toDir, String toName, Caller c) {
        rename(ctx -> named(fromDir, fromName), ctx -> named(toDir, toName), c);
    }

    private void rename(Function<Ctx, Parent> from, Function<Ctx, Parent> to, Caller c) {
        committer.write(ctx -> {
            Parent s = removing(ctx, from.apply(ctx), c);
            Parent d = changing(ctx, to.apply(ctx), c);
            sameView(s.dir(), d.dir());
            if (!c.root()) {
                FsReader r = ctx.reader(s.dir().view());
                Inode moved = r.getattr(r.lookup(s.dir().ino(), s.name()));
                Inode dest = ctx.getattr(d.dir());
                long replaced = r.find(d.dir().ino(), d.name());
                if (replaced != 0) {
                    c.checkSticky(dest, r.getattr(replaced), d.what());
                }
                if (moved.isDir() && s.dir().ino() != d.dir().ino()) {
                    c.check(moved, Caller.W, s.what()); // its ".." changes
                }
            }
            claimLastName(ctx, d);
            ctx.writer(s.dir().view()).rename(s.dir().ino(), s.name(), d.dir().ino(), d.name());
            return null;
        }, 0);
    }

    void link(String from, String to, Caller c) {
        link(ctx -> resolver.resolve(ctx, from, c), from, ctx -> parent(ctx, to, c), c);
    }

    void link(Node src, Node dir, String name, Caller c) {
        link(ctx -> src, name, ctx -> named(dir, name), c);
    }

    private void link(Function<Ctx, Node> source, String from, Function<Ctx, Parent> to, Caller c) {
        committer.write(ctx -> {
            Node src = source.apply(ctx);
            Parent d = changing(ctx, to.apply(ctx), c);
            if (!c.root() && PROTECTED_HARDLINKS) {
                Inode i = ctx.getattr(src);
                int setGidExec = Inode.S_ISGID | Inode.S_IXGRP;
                boolean safe = i.isRegular() && (i.mode() & Inode.S_ISUID) == 0
                        && (i.mode() & setGidExec) != setGidExec && c.may(i, Caller.R | Caller.W);
                if (!safe && !c.owns(i)) {
                    throw new FsException(Errno.EPERM, from + ": protected_hardlinks: not the owner");
                }
            }
            sameView(src, d.dir());
            ctx.writer(src.view()).link(src.ino(), d.dir().ino(), d.name());
            return null;
        }, 0);
    }

    private static void sameView(Node a, Node b) {
        if (!a.view().equals(b.view())) {
            throw new FsException(Errno.EXDEV, "cannot move or link across PFSes or TIDs");
        }
    }

    /**
     * chmod: the owner's. Anyone who may write the file may drop its set-user-id and
     * set-group-id bits (the kernel asks that on their behalf when they write or truncate it); an
     * owner outside the file's group cannot set set-group-id.
     */
    void chmod(String path, int mode, Caller c) {
        chmod(ctx -> resolver.resolve(ctx, path, c), path, old -> mode, c);
    }

    void chmod(Node n, int mode, Caller c) {
        chmod(ctx -> n, "", old -> mode, c);
    }

    /**
     * An access ACL of only the owner, group and other entries, whose permissions are
     * {@code perms}: a chmod of those bits, the owner's, as a local disk stores such an ACL.
     */
    void setAccessAcl(String path, int perms, Caller c) {
        chmod(ctx -> resolver.resolve(ctx, path, c), path, old -> old & 07000 | perms & 0777, c);
    }

    void setAccessAcl(Node n, int perms, Caller c) {
        chmod(ctx -> n, "", old -> old & 07000 | perms & 0777, c);
    }

    /** Sets the mode {@code mode} makes of the current one. */
    private void chmod(Function<Ctx, Node> at, String path, IntUnaryOperator mode, Caller c) {
        change(at, c, (w, n, i) -> {
            int old = (i != null ? i : w.getattr(n.ino())).mode() & 07777;
            int m = mode.applyAsInt(old) & 07777;
            if (!c.root()) {
                int setId = Inode.S_ISUID | Inode.S_ISGID;
                boolean dropsSetId = (m | setId) == (old | setId) && m != old && (m & ~old) == 0;
                if (i.uid() != c.uid) {
                    if (!dropsSetId || !c.may(i, Caller.W)) {
                        throw new FsException(Errno.EPERM, path + ": not the owner");
                    }
                } else if ((m & Inode.S_ISGID) != 0 && !c.inGroup(i.gid())) {
                    m &= ~Inode.S_ISGID;
                }
            }
            w.chmod(n.ino(), m);
        });
    }

    /** chown: changing the owner is root's; the owner may change the group to one of its own. */
    void chown(String path, int uid, int gid, Caller c) {
        chown(ctx -> resolver.resolve(ctx, path, c), path, uid, gid, c);
    }

    void chown(Node n, int uid, int gid, Caller c) {
        chown(ctx -> n, "", uid, gid, c);
    }

    private void chown(Function<Ctx, Node> at, String path, int uid, int gid, Caller c) {
        change(at, c, (w, n, i) -> {
            if (!c.root()) {
                if (uid != -1 && (i.uid() != c.uid || uid != i.uid())) {
                    throw new FsException(Errno.EPERM, path + ": only root gives files away");
                }
                if (gid != -1 && (i.uid() != c.uid || gid != i.gid() && !c.inGroup(gid))) {
                    throw new FsException(Errno.EPERM, path + ": not the owner or not a member of the group");
                }
            }
            w.chown(n.ino(), uid, gid);
        });
    }

    /** utimens: explicit times are the owner's to set; "now" also anyone's who may write the file. */
    void utimens(String path, long atimeNs, long mtimeNs, boolean explicit, Caller c) {
        utimens(ctx -> resolver.resolve(ctx, path, c), path, atimeNs, mtimeNs, explicit, c);
    }

    void utimens(Node n, long atimeNs, long mtimeNs, boolean explicit, Caller c) {
        utimens(ctx -> n, "", atimeNs, mtimeNs, explicit, c);
    }

    private void utimens(Function<Ctx, Node> at, String path, long atimeNs, long mtimeNs, boolean explicit, Caller c) {
        change(at, c, (w, n, i) -> {
            if (!c.owns(i)) {
                if (explicit) {
                    throw new FsException(Errno.EPERM, path + ": not the owner");
                }
                c.check(i, Caller.W, path);
            }
            w.utimens(n.ino(), atimeNs, mtimeNs);
        });
    }

    /** Frees orphan {@code n}, whose last handle is closed; one a slave's now stays for a later mount. */
    void reclaim(Node n) {
        committer.write(ctx -> {
            if (ctx.writable(n.view())) {
                FsReader r = ctx.reader(n.view());
                if (r.exists(n.ino())) {
                    claimDropped(r.getattr(n.ino()), 0);
                }
                ctx.writer(n.view()).reclaim(n.ino());
            } else {
                System.err.printf("hammer mount: PFS#%d is read-only now: orphan %016x stays until a mount of it as"
                        + " a master%n", n.view().pfs(), n.ino());
            }
            return null;
        }, 0);
    }

    void truncate(Node n, long size) {
        committer.write(ctx -> {
            claimDropped(ctx.getattr(n), size);
            ctx.writer(n.view()).truncate(n.ino(), size);
            return null;
        }, 0);
    }

    void truncate(String path, long size, Caller c) {
        truncate(ctx -> resolver.resolve(ctx, path, c), path, size, c);
    }

    void truncate(Node n, long size, Caller c) {
        truncate(ctx -> n, "", size, c);
    }

    private void truncate(Function<Ctx, Node> at, String path, long size, Caller c) {
        committer.write(ctx -> {
            Node n = at.apply(ctx);
            Inode i = ctx.getattr(n);
            if (!c.root() && !i.isDir()) {
                c.check(i, Caller.W, path);
            }
            claimDropped(i, size);
            ctx.writer(n.view()).truncate(n.ino(), size);
            return null;
        }, 0);
    }

    /** Drops of less than this are counted as any change is. */
    private static final long CLAIM_FROM = 1L << 20;

    /**
     * Before a change drops the data of {@code i} past its first {@code keep} bytes, and before it
     * changes anything (the PFS's first writer included): claims the room that marking those
     * blocks deleted takes ({@link Committer#claim}: their records' values, and in a format 2
     * store their data too), so that a store without it fails this change alone.
     */
    void claimDropped(Inode i, long keep) {
        long dropped = i.isRegular() ? i.size() - keep : 0;
        if (dropped >= CLAIM_FROM) {
            committer.claim(dropped);
        }
    }

    /** Claims the room for the data of the file {@code p} names, if that is its last name (see {@link #claimDropped}). */
    private void claimLastName(Ctx ctx, Parent p) {
        FsReader r = ctx.reader(p.dir().view());
        long child = r.find(p.dir().ino(), p.name());
        if (child != 0) {
            Inode i = r.getattr(child);
            if (i.nlink() == 1) {
                claimDropped(i, 0);
            }
        }
    }

    void setxattr(String path, String name, byte[] value, int flags, Caller c) {
        setxattr(ctx -> resolver.resolve(ctx, path, c), path, name, value, flags, c);
    }

    void setxattr(Node n, String name, byte[] value, int flags, Caller c) {
        setxattr(ctx -> n, "", name, value, flags, c);
    }

    private void setxattr(Function<Ctx, Node> at, String path, String name, byte[] value, int flags, Caller c) {
        change(at, c, (w, n, i) -> {
            checkXattr(c, i, name, Caller.W, path);
            boolean exists = w.listxattr(n.ino()).contains(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw new FsException(Errno.EEXIST, name + ": attribute exists");
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw new FsException(Errno.ENODATA, name + ": no such attribute");
            }
            w.setxattr(n.ino(), name, value);
        });
    }

    void removexattr(String path, String name, Caller c) {
        removexattr(ctx -> resolver.resolve(ctx, path, c), path, name, c);
    }

    void removexattr(Node n, String name, Caller c) {
        removexattr(ctx -> n, "", name, c);
    }

    private void removexattr(Function<Ctx, Node> at, String path, String name, Caller c) {
        change(at, c, (w, n, i) -> {
            checkXattr(c, i, name, Caller.W, path);
            w.removexattr(n.ino(), name);
        });
    }

    /**
     * user.* attributes are read and written with the file's read and write permission; those of
     * a sticky directory are its owner's to write.
     */
    private static void checkXattr(Caller c, Inode i, String name, int mask, String path) {
        if (!c.root() && name.startsWith("user.")) {
            if ((mask & Caller.W) != 0 && i.isDir() && (i.mode() & Inode.S_ISVTX) != 0) {
                c.checkOwner(i, path);
            }
            c.check(i, mask, path);
        }
    }

    private interface Change {
        void apply(FsWriter w, Node n, Inode i);
    }

    private void change(Function<Ctx, Node> at, Caller c, Change change) {
        committer.write(ctx -> {
            Node n = at.apply(ctx);
            change.apply(ctx.writer(n.view()), n, c.root() ? null : ctx.getattr(n));
            return null;
        }, 0);
    }

    // ---- reads ----

    /** True when {@code n} may be changed: not in a slave nor a fixed TID. */
    boolean writable(Node n) {
        return committer.read(ctx -> ctx.writable(n.view()));
    }

    Node resolve(String path, Caller c) {
        return committer.read(ctx -> resolver.resolve(ctx, path, c));
    }

    /** Resolves inside an operation that already runs on the committer. */
    Node resolveIn(Ctx ctx, String path, Caller c) {
        return resolver.resolve(ctx, path, c);
    }

    /**
     * Up to {@code max} entries of a directory after {@code cookie} (0: from the start, "." and
     * ".." first), in cookie order; a PFS without a root yet lists as empty.
     */
    List<Entry> page(Node dir, long cookie, int max) {
        return committer.read(ctx -> {
            FsReader f = ctx.reader(dir.view());
            if (dir.ino() == FsReader.ROOT && !f.exists(FsReader.ROOT)) {
                List<Entry> out = new java.util.ArrayList<>();
                if (cookie == 0) {
                    out.add(new Entry(".", dir.ino(), Inode.S_IFDIR, 1));
                }
                if (Long.compareUnsigned(cookie, 2) < 0 && out.size() < max) {
                    out.add(new Entry("..", dir.ino(), Inode.S_IFDIR, 2));
                }
                return out;
            }
            return f.readdir(dir.ino(), cookie, max);
        });
    }

    /** The entries of a directory ("." and ".." first); a PFS without a root yet lists as empty. */
    List<Entry> list(Node dir) {
        return page(dir, 0, Integer.MAX_VALUE);
    }

    /** The value of attribute {@code name}, or null when there is none of that name. */
    byte[] getxattr(String path, String name, Caller c) {
        return getxattr(ctx -> resolver.resolve(ctx, path, c), path, name, c);
    }

    /**
     * Read after the node's written-back writes, as its attributes are: one through a handle
     * opened to write alone drops its {@code security.capability} (FileIo#writeBehind), and may
     * still be queued, or run in a transaction not yet committed, when the file is closed.
     */
    byte[] getxattr(Node n, String name, Caller c) {
        return committer.readData(n, ctx -> xattr(ctx, n, "", name, c));
    }

    private byte[] getxattr(Function<Ctx, Node> at, String path, String name, Caller c) {
        return committer.read(ctx -> xattr(ctx, at.apply(ctx), path, name, c));
    }

    private byte[] xattr(Ctx ctx, Node n, String path, String name, Caller c) {
        if (!c.root()) {
            checkXattr(c, ctx.getattr(n), name, Caller.R, path);
        }
        return ctx.reader(n.view()).xattr(n.ino(), name);
    }

    /** The attribute names; trusted.* ones only to root, as a local filesystem lists them. */
    List<String> listxattr(String path, Caller c) {
        return listxattr(ctx -> resolver.resolve(ctx, path, c), path, c);
    }

    /** Read after the node's written-back writes, as {@link #getxattr(Node, String, Caller)}. */
    List<String> listxattr(Node n, Caller c) {
        return committer.readData(n, ctx -> xattrNames(ctx, n, c));
    }

    private List<String> listxattr(Function<Ctx, Node> at, String path, Caller c) {
        return committer.read(ctx -> xattrNames(ctx, at.apply(ctx), c));
    }

    private static List<String> xattrNames(Ctx ctx, Node n, Caller c) {
        List<String> names = ctx.reader(n.view()).listxattr(n.ino());
        return c.root() ? names : names.stream().filter(x -> !x.startsWith("trusted.")).toList();
    }

    private static boolean protectedHardlinks() {
        try {
            return Files.readString(Path.of("/proc/sys/fs/protected_hardlinks")).trim().equals("1");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
