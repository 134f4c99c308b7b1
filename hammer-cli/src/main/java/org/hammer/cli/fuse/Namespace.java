package org.hammer.cli.fuse;

import java.util.List;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;

/** The path-based changes of a mount, each one task of the {@link Committer}. */
final class Namespace {
    private static final int S_ISGID = 02000;
    static final int XATTR_CREATE = 1;
    static final int XATTR_REPLACE = 2;

    private final Committer committer;
    private final Resolver resolver;

    Namespace(Committer committer, Resolver resolver) {
        this.committer = committer;
        this.resolver = resolver;
    }

    /** Who asks: the caller's uid and gid, from the FUSE request. */
    record Caller(int uid, int gid) {
    }

    /** A directory node and a name in it. */
    private record Parent(Node dir, String name) {
    }

    private Parent parent(Ctx ctx, String path) {
        String[] p = Resolver.split(path);
        Node dir = resolver.resolve(ctx, p[0]);
        if (Resolver.isSpecial(p[1])) {
            throw new FsException(Errno.EEXIST, p[1] + ": a name of the history, it cannot be made");
        }
        return new Parent(dir, p[1]);
    }

    /** The group a new object gets, and whether a new directory inherits set-group-id (BSD/SysV rule). */
    private static int group(Ctx ctx, Node dir, Caller c) {
        Inode d = ctx.getattr(dir);
        return (d.mode() & S_ISGID) != 0 ? d.gid() : c.gid();
    }

    /** Creates a file, fifo, socket or device; returns its node. */
    Node mknod(String path, int mode, long rdev, Caller c) {
        return committer.write(ctx -> {
            Parent p = parent(ctx, path);
            FsWriter w = ctx.writer(p.dir().view());
            return new Node(p.dir().view(), w.mknod(p.dir().ino(), p.name(), mode, c.uid(), group(ctx, p.dir(), c), rdev));
        }, 0);
    }

    void mkdir(String path, int mode, Caller c) {
        committer.write(ctx -> {
            Parent p = parent(ctx, path);
            FsWriter w = ctx.writer(p.dir().view());
            boolean sgid = (ctx.getattr(p.dir()).mode() & S_ISGID) != 0;
            w.mkdir(p.dir().ino(), p.name(), mode | (sgid ? S_ISGID : 0), c.uid(), group(ctx, p.dir(), c));
            return null;
        }, 0);
    }

    void unlink(String path) {
        committer.write(ctx -> {
            Parent p = parent(ctx, path);
            ctx.writer(p.dir().view()).unlink(p.dir().ino(), p.name());
            return null;
        }, 0);
    }

    void rmdir(String path) {
        committer.write(ctx -> {
            Parent p = parent(ctx, path);
            ctx.writer(p.dir().view()).rmdir(p.dir().ino(), p.name());
            return null;
        }, 0);
    }

    void symlink(String target, String path, Caller c) {
        committer.write(ctx -> {
            Parent p = parent(ctx, path);
            ctx.writer(p.dir().view()).symlink(p.dir().ino(), p.name(), target, c.uid(), group(ctx, p.dir(), c));
            return null;
        }, 0);
    }

    void rename(String from, String to) {
        committer.write(ctx -> {
            Parent s = parent(ctx, from);
            Parent d = parent(ctx, to);
            sameView(s.dir(), d.dir());
            ctx.writer(s.dir().view()).rename(s.dir().ino(), s.name(), d.dir().ino(), d.name());
            return null;
        }, 0);
    }

    void link(String from, String to) {
        committer.write(ctx -> {
            Node src = resolver.resolve(ctx, from);
            Parent d = parent(ctx, to);
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

    void chmod(String path, int mode) {
        change(path, (w, ino) -> w.chmod(ino, mode & 07777));
    }

    void chown(String path, int uid, int gid) {
        change(path, (w, ino) -> w.chown(ino, uid, gid));
    }

    void utimens(String path, long atimeNs, long mtimeNs) {
        change(path, (w, ino) -> w.utimens(ino, atimeNs, mtimeNs));
    }

    void truncate(Node n, long size) {
        committer.write(ctx -> {
            ctx.writer(n.view()).truncate(n.ino(), size);
            return null;
        }, 0);
    }

    void truncate(String path, long size) {
        change(path, (w, ino) -> w.truncate(ino, size));
    }

    void setxattr(String path, String name, byte[] value, int flags) {
        change(path, (w, ino) -> {
            boolean exists = w.listxattr(ino).contains(name);
            if ((flags & XATTR_CREATE) != 0 && exists) {
                throw new FsException(Errno.EEXIST, name + ": attribute exists");
            }
            if ((flags & XATTR_REPLACE) != 0 && !exists) {
                throw new FsException(Errno.ENODATA, name + ": no such attribute");
            }
            w.setxattr(ino, name, value);
        });
    }

    void removexattr(String path, String name) {
        change(path, (w, ino) -> w.removexattr(ino, name));
    }

    private interface Change {
        void apply(FsWriter w, long ino);
    }

    private void change(String path, Change c) {
        committer.write(ctx -> {
            Node n = resolver.resolve(ctx, path);
            c.apply(ctx.writer(n.view()), n.ino());
            return null;
        }, 0);
    }

    // ---- reads ----

    Node resolve(String path) {
        return committer.read(ctx -> resolver.resolve(ctx, path));
    }

    /** Resolves inside an operation that already runs on the committer. */
    Node resolveIn(Ctx ctx, String path) {
        return resolver.resolve(ctx, path);
    }

    /** The entries of a directory ("." and ".." first); a PFS without a root yet lists as empty. */
    List<Entry> list(Node dir) {
        return committer.read(ctx -> {
            FsReader f = ctx.reader(dir.view());
            List<Entry> out = new java.util.ArrayList<>();
            out.add(new Entry(".", dir.ino(), Inode.S_IFDIR, 1));
            if (dir.ino() == FsReader.ROOT && !f.exists(FsReader.ROOT)) {
                out.add(new Entry("..", dir.ino(), Inode.S_IFDIR, 2));
                return out;
            }
            Inode d = f.getattr(dir.ino());
            if (!d.isDir()) {
                throw new FsException(Errno.ENOTDIR, "not a directory");
            }
            out.add(new Entry("..", d.parent() == 0 ? dir.ino() : d.parent(), Inode.S_IFDIR, 2));
            out.addAll(f.list(dir.ino()));
            return out;
        });
    }

    byte[] getxattr(String path, String name) {
        return committer.read(ctx -> {
            Node n = resolver.resolve(ctx, path);
            return ctx.reader(n.view()).getxattr(n.ino(), name);
        });
    }

    List<String> listxattr(String path) {
        return committer.read(ctx -> {
            Node n = resolver.resolve(ctx, path);
            return ctx.reader(n.view()).listxattr(n.ino());
        });
    }
}
