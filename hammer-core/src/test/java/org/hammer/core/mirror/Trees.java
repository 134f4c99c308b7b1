package org.hammer.core.mirror;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.FsReader;

/** A PFS tree as a sorted map of path to a line describing the object, for comparisons. */
final class Trees {
    private Trees() {
    }

    static Map<String, String> of(FsReader fs) {
        Map<String, String> out = new TreeMap<>();
        if (!fs.exists(FsReader.ROOT)) {
            return out;
        }
        walk(fs, FsReader.ROOT, "", out);
        return out;
    }

    private static void walk(FsReader fs, long dir, String prefix, Map<String, String> out) {
        out.put(prefix + "/", describe(fs, dir));
        for (Entry e : fs.list(dir)) {
            String p = prefix + "/" + e.name();
            Inode i = fs.getattr(e.ino());
            if (i.isDir()) {
                walk(fs, e.ino(), p, out);
            } else {
                out.put(p, describe(fs, e.ino()));
            }
        }
    }

    private static String describe(FsReader fs, long ino) {
        Inode i = fs.getattr(ino);
        StringBuilder b = new StringBuilder();
        b.append(Integer.toOctalString(i.mode())).append(' ').append(i.uid()).append(':').append(i.gid())
                .append(" n=").append(i.nlink()).append(" m=").append(i.mtimeNs());
        if (i.isRegular()) {
            byte[] data = new byte[(int) i.size()];
            fs.read(ino, 0, data, 0, data.length);
            b.append(" size=").append(i.size()).append(" h=").append(Arrays.hashCode(data));
        } else if (i.isSymlink()) {
            b.append(" -> ").append(fs.readlink(ino));
        }
        for (String x : fs.listxattr(ino)) {
            b.append(" x:").append(x).append('=').append(Arrays.hashCode(fs.getxattr(ino, x)));
        }
        return b.toString();
    }
}
