package org.hammer.core.fs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;

/**
 * A PFS tree as seen at one TID, digested to one line per path (type and mode, owner, link
 * count, mtime, size, a SHA-256 of the content or the link target, extended attributes). Two
 * trees are equal when their digests are: how mirror-verify and the tests compare a slave with
 * its master.
 */
public final class TreeDigest {
    private static final int CHUNK = 1 << 20;

    private TreeDigest() {
    }

    /**
     * Compares two digests: prints each of the first {@code shown} paths that differ, with its
     * line on both sides (named {@code wantName} and {@code gotName}), and returns how many paths
     * differ, of how many.
     */
    public static Comparison compare(Map<String, String> want, Map<String, String> got, int shown,
            java.io.PrintWriter out, String wantName, String gotName) {
        java.util.TreeSet<String> paths = new java.util.TreeSet<>(want.keySet());
        paths.addAll(got.keySet());
        int differ = 0;
        for (String p : paths) {
            String w = want.get(p);
            String g = got.get(p);
            if (w == null || !w.equals(g)) {
                if (differ++ < shown) {
                    out.println(p + ":\n    " + wantName + ": " + (w == null ? "missing" : w) + "\n    " + gotName
                            + ": " + (g == null ? "missing" : g));
                }
            }
        }
        return new Comparison(differ, paths.size());
    }

    /** How many paths differ between two digests, of how many paths in both. */
    public record Comparison(int differ, int paths) {
    }

    /** Path ("/" for the root, "/a/b" below it) to digest line; empty when the PFS has no root. */
    public static Map<String, String> of(FsReader fs) {
        Map<String, String> out = new TreeMap<>();
        if (fs.exists(FsReader.ROOT)) {
            walk(fs, FsReader.ROOT, "", out);
        }
        return out;
    }

    private static void walk(FsReader fs, long dir, String prefix, Map<String, String> out) {
        out.put(prefix.isEmpty() ? "/" : prefix, line(fs, dir));
        for (Entry e : fs.list(dir)) {
            String p = prefix + "/" + e.name();
            if (fs.getattr(e.ino()).isDir()) {
                walk(fs, e.ino(), p, out);
            } else {
                out.put(p, line(fs, e.ino()));
            }
        }
    }

    /** The digest line of one object. */
    public static String line(FsReader fs, long ino) {
        Inode i = fs.getattr(ino);
        StringBuilder b = new StringBuilder();
        b.append(Integer.toOctalString(i.mode())).append(' ').append(i.uid()).append(':').append(i.gid())
                .append(" nlink=").append(i.isDir() ? "-" : Integer.toString(i.nlink()))
                .append(" mtime=").append(i.mtimeNs());
        if (i.isRegular()) {
            b.append(" size=").append(i.size()).append(" sha256=").append(content(fs, ino, i.size()));
        } else if (i.isSymlink()) {
            b.append(" -> ").append(fs.readlink(ino));
        } else if (!i.isDir()) {
            b.append(" rdev=").append(i.rdev());
        }
        for (String x : fs.listxattr(ino).stream().sorted().toList()) {
            b.append(" xattr:").append(x).append('=').append(HexFormat.of().formatHex(sha(fs.getxattr(ino, x))));
        }
        return b.toString();
    }

    private static String content(FsReader fs, long ino, long size) {
        MessageDigest md = sha256();
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(size, 1))];
        for (long off = 0; off < size; ) {
            int n = fs.read(ino, off, buf, 0, (int) Math.min(buf.length, size - off));
            if (n <= 0) {
                break;
            }
            md.update(buf, 0, n);
            off += n;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static byte[] sha(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
