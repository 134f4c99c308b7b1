package org.hammer.cli.fuse;

import org.hammer.core.HammerException;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.AsOfName;

/**
 * Walks a mount-relative path ("/a/b") to a {@link Node}, honouring HAMMER's {@code @@}
 * extensions (HAMMER.md §2.2): {@code @@-1:NNNNN} and {@code @@0x<tid>:NNNNN} (in any directory)
 * are the root of PFS NNNNN now or as of the TID; {@code name@@0x<tid>} is name as of the TID;
 * a bare {@code @@0x<tid>} is the current directory as of the TID ({@link AsOfName}). Any other
 * name with {@code @@} is EINVAL, as on the command line.
 */
final class Resolver {

    private final View root;

    Resolver(View root) {
        this.root = root;
    }

    View root() {
        return root;
    }

    /**
     * The node a path names, or ENOENT/ENOTDIR; EACCES where {@code c} may not search a directory.
     * libfuse passes no path (null) for a request through the handle of an unlinked file.
     */
    Node resolve(Ctx ctx, String path, Caller c) {
        if (path == null) {
            throw new FsException(Errno.ENOENT, "an unlinked file: no path");
        }
        Node n = new Node(root, FsReader.ROOT);
        int i = 0;
        int len = path.length();
        while (i < len) {
            int j = path.indexOf('/', i);
            if (j < 0) {
                j = len;
            }
            if (j > i) {
                if (!c.root()) {
                    c.check(ctx.getattr(n), Caller.X, i <= 1 ? "/" : path.substring(0, i - 1));
                }
                n = step(ctx, n, path.substring(i, j));
            }
            i = j + 1;
        }
        return n;
    }

    /** One lookup of {@code name} in directory {@code dir}; a name over NAME_MAX bytes is ENAMETOOLONG. */
    Node step(Ctx ctx, Node dir, String name) {
        FsReader.checkLength(name);
        if (name.indexOf('@') >= 0) {
            Node special = special(ctx, dir, name);
            if (special != null) {
                return special;
            }
        }
        return new Node(dir.view(), ctx.reader(dir.view()).lookup(dir.ino(), name));
    }

    /**
     * As {@link #step}, but null where a plain name is not in {@code dir}: a name looked up before
     * it is created (every create's LOOKUP) is not an error worth an exception.
     */
    Node find(Ctx ctx, Node dir, String name) {
        if (name.indexOf('@') >= 0 || name.equals(".") || name.equals("..")) {
            return step(ctx, dir, name);
        }
        FsReader.checkLength(name);
        long child = ctx.reader(dir.view()).find(dir.ino(), name);
        return child == 0 ? null : new Node(dir.view(), child);
    }

    private Node special(Ctx ctx, Node dir, String name) {
        AsOfName n;
        try {
            n = AsOfName.parse(name);
        } catch (HammerException e) {
            throw new FsException(Errno.EINVAL, e.getMessage());
        }
        if (n == null) {
            return null;
        }
        long tid = n.current() ? 0 : n.tid();
        if (n.selectsPfs()) {
            ctx.config(n.pfs());
            return new Node(new View(n.pfs(), tid), FsReader.ROOT);
        }
        View v = new View(dir.view().pfs(), tid);
        return n.name().isEmpty() ? new Node(v, dir.ino()) : new Node(v, ctx.reader(v).lookup(dir.ino(), n.name()));
    }

    /** True when a name has {@code @@}: an extension (or a malformed one), which can never be created. */
    static boolean isSpecial(String name) {
        return name.contains("@@");
    }

    /** Splits "/a/b/c" into the directory "/a/b" and the name "c". */
    static String[] split(String path) {
        int slash = path.lastIndexOf('/');
        String dir = slash <= 0 ? "/" : path.substring(0, slash);
        return new String[] {dir, path.substring(slash + 1)};
    }
}
