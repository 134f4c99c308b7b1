package org.hammer.cli.fuse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.tid.Tid;

/**
 * Walks a mount-relative path ("/a/b") to a {@link Node}, honouring HAMMER's {@code @@}
 * extensions (HAMMER.md §2.2): {@code @@-1:NNNNN} and {@code @@0x<tid>:NNNNN} (in any directory)
 * are the root of PFS NNNNN now or as of the TID; {@code name@@0x<tid>} is name as of the TID;
 * a bare {@code @@0x<tid>} is the current directory as of the TID.
 */
final class Resolver {
    private static final Pattern PFS_LINK = Pattern.compile("@@(?:PFS|-1:|0x([0-9a-fA-F]{16}):)(\\d{5})");
    private static final Pattern BARE_AS_OF = Pattern.compile("@@(?:-1|0x([0-9a-fA-F]{16}))");
    private static final Pattern NAME_AS_OF = Pattern.compile("(.+)@@(?:-1|0x([0-9a-fA-F]{16}))");

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

    private Node special(Ctx ctx, Node dir, String name) {
        Matcher m = PFS_LINK.matcher(name);
        if (m.matches()) {
            int pfs = Integer.parseInt(m.group(2));
            ctx.config(pfs);
            return new Node(new View(pfs, tid(m.group(1))), FsReader.ROOT);
        }
        m = BARE_AS_OF.matcher(name);
        if (m.matches()) {
            return new Node(new View(dir.view().pfs(), tid(m.group(1))), dir.ino());
        }
        m = NAME_AS_OF.matcher(name);
        if (m.matches()) {
            View v = new View(dir.view().pfs(), tid(m.group(2)));
            return new Node(v, ctx.reader(v).lookup(dir.ino(), m.group(1)));
        }
        return null;
    }

    private static long tid(String hex) {
        if (hex == null) {
            return 0;
        }
        long t = Tid.parseHex("0x" + hex);
        if (t == 0) {
            throw new FsException(Errno.ENOENT, "@@0x" + hex + ": no such TID");
        }
        return t;
    }

    /** True when a name is one of the {@code @@} extensions, which can never be created. */
    static boolean isSpecial(String name) {
        return name.contains("@@") && (PFS_LINK.matcher(name).matches() || BARE_AS_OF.matcher(name).matches()
                || NAME_AS_OF.matcher(name).matches());
    }

    /** Splits "/a/b/c" into the directory "/a/b" and the name "c". */
    static String[] split(String path) {
        int slash = path.lastIndexOf('/');
        String dir = slash <= 0 ? "/" : path.substring(0, slash);
        return new String[] {dir, path.substring(slash + 1)};
    }
}
