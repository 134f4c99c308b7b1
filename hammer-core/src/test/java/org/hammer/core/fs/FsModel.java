package org.hammer.core.fs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;

/**
 * The reference a PFS is checked against: a plain in-memory filesystem with the semantics
 * {@link FsWriter} promises (POSIX errors in its order of checks, link counts, mtimes), whose
 * objects carry the inode numbers the PFS gave them.
 */
final class FsModel {
    static final class Node {
        final long ino;
        int mode;
        int uid;
        int gid;
        long atime;
        long mtime;
        byte[] data = new byte[0];
        long size;
        String target;
        TreeMap<String, Long> entries;
        final TreeMap<String, byte[]> xattrs = new TreeMap<>();
        long parent;
        String hash;

        Node(long ino, int mode, long now) {
            this.ino = ino;
            this.mode = mode;
            this.atime = now;
            this.mtime = now;
            if ((mode & Inode.S_IFMT) == Inode.S_IFDIR) {
                entries = new TreeMap<>();
            }
        }

        boolean isDir() {
            return entries != null;
        }

        boolean isRegular() {
            return (mode & Inode.S_IFMT) == Inode.S_IFREG;
        }

        String hash() {
            if (hash == null) {
                hash = sha(data, (int) size);
            }
            return hash;
        }
    }

    final Map<Long, Node> nodes = new HashMap<>();
    long now;

    FsModel(long now) {
        Node root = new Node(FsReader.ROOT, Inode.S_IFDIR | 0755, now);
        root.parent = FsReader.ROOT;
        nodes.put(root.ino, root);
    }

    Node node(long ino) {
        return nodes.get(ino);
    }

    int nlink(Node n) {
        if (n.isDir()) {
            int sub = 0;
            for (long c : n.entries.values()) {
                sub += node(c).isDir() ? 1 : 0;
            }
            return 2 + sub;
        }
        int links = 0;
        for (Node d : nodes.values()) {
            if (d.isDir()) {
                for (long c : d.entries.values()) {
                    links += c == n.ino ? 1 : 0;
                }
            }
        }
        return links;
    }

    static Errno checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
            return Errno.EINVAL;
        }
        return name.getBytes(StandardCharsets.UTF_8).length > 255 ? Errno.ENAMETOOLONG : null;
    }

    /** The error creating {@code dir/name} fails with, or null. */
    Errno canCreate(long dir, String name) {
        Errno e = checkName(name);
        if (e != null) {
            return e;
        }
        return node(dir).entries.containsKey(name) ? Errno.EEXIST : null;
    }

    void created(long dir, String name, long ino, int mode, int uid, int gid, String target) {
        Node n = new Node(ino, mode, now);
        n.uid = uid;
        n.gid = gid;
        n.parent = dir;
        n.target = target;
        if (target != null) {
            n.size = target.getBytes(StandardCharsets.UTF_8).length;
        }
        nodes.put(ino, n);
        node(dir).entries.put(name, ino);
        node(dir).mtime = now;
    }

    Errno link(long ino, long dir, String name) {
        Errno e = checkName(name);
        if (e != null) {
            return e;
        }
        if (node(ino).isDir()) {
            return Errno.EPERM;
        }
        if (node(dir).entries.containsKey(name)) {
            return Errno.EEXIST;
        }
        node(dir).entries.put(name, ino);
        node(dir).mtime = now;
        return null;
    }

    Errno unlink(long dir, String name) {
        Long c = node(dir).entries.get(name);
        if (c == null) {
            return Errno.ENOENT;
        }
        if (node(c).isDir()) {
            return Errno.EISDIR;
        }
        node(dir).entries.remove(name);
        node(dir).mtime = now;
        release(c);
        return null;
    }

    private void release(long ino) {
        if (nlink(node(ino)) == 0) {
            nodes.remove(ino);
        }
    }

    Errno rmdir(long dir, String name) {
        Long c = node(dir).entries.get(name);
        if (c == null) {
            return Errno.ENOENT;
        }
        if (!node(c).isDir()) {
            return Errno.ENOTDIR;
        }
        if (!node(c).entries.isEmpty()) {
            return Errno.ENOTEMPTY;
        }
        node(dir).entries.remove(name);
        node(dir).mtime = now;
        nodes.remove(c);
        return null;
    }

    Errno rename(long srcDir, String srcName, long dstDir, String dstName) {
        Errno e = checkName(dstName);
        if (e != null) {
            return e;
        }
        Long s = node(srcDir).entries.get(srcName);
        if (s == null) {
            return Errno.ENOENT;
        }
        Node src = node(s);
        if (src.isDir()) {
            for (long p = dstDir; ; p = node(p).parent) {
                if (p == s) {
                    return Errno.EINVAL;
                }
                if (p == FsReader.ROOT) {
                    break;
                }
            }
        }
        Long d = node(dstDir).entries.get(dstName);
        boolean replacesFile = d != null && !node(d).isDir();
        if (d != null) {
            if (d.equals(s)) {
                return null;
            }
            Node dst = node(d);
            if (src.isDir() && !dst.isDir()) {
                return Errno.ENOTDIR;
            }
            if (!src.isDir() && dst.isDir()) {
                return Errno.EISDIR;
            }
            if (dst.isDir() && !dst.entries.isEmpty()) {
                return Errno.ENOTEMPTY;
            }
            node(dstDir).entries.remove(dstName);
            if (dst.isDir()) {
                nodes.remove(d);
            }
        }
        node(srcDir).entries.remove(srcName);
        node(dstDir).entries.put(dstName, s);
        node(srcDir).mtime = now;
        node(dstDir).mtime = now;
        if (replacesFile) {
            release(d);
        }
        if (src.isDir()) {
            src.parent = dstDir;
        }
        return null;
    }

    Errno write(long ino, long off, byte[] src) {
        Node n = node(ino);
        if (n.isDir()) {
            return Errno.EISDIR;
        }
        long end = off + src.length;
        ensure(n, end);
        System.arraycopy(src, 0, n.data, (int) off, src.length);
        n.size = Math.max(n.size, end);
        n.mtime = now;
        n.hash = null;
        return null;
    }

    Errno truncate(long ino, long size) {
        Node n = node(ino);
        if (n.isDir()) {
            return Errno.EISDIR;
        }
        if (size < n.size) {
            Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
        } else {
            ensure(n, size);
        }
        n.size = size;
        n.mtime = now;
        n.hash = null;
        return null;
    }

    private static void ensure(Node n, long size) {
        if (n.data.length < size) {
            n.data = Arrays.copyOf(n.data, (int) Math.max(size, n.data.length * 3L / 2));
        }
    }

    Errno removexattr(long ino, String name) {
        return node(ino).xattrs.remove(name) == null ? Errno.ENODATA : null;
    }

    /** Path → one line of everything checked about the object there. */
    Map<String, String> describe() {
        Map<String, String> out = new TreeMap<>();
        Map<Long, String> first = new HashMap<>();
        walk(node(FsReader.ROOT), "", out, first);
        return out;
    }

    private void walk(Node n, String path, Map<String, String> out, Map<Long, String> first) {
        String id = first.computeIfAbsent(n.ino, k -> path.isEmpty() ? "/" : path);
        out.put(path.isEmpty() ? "/" : path, line(n.mode, n.uid, n.gid, nlink(n), n.size, n.atime, n.mtime,
                n.isRegular() ? n.hash() : n.target, n.xattrs, id));
        if (n.isDir()) {
            for (Map.Entry<String, Long> e : n.entries.entrySet()) {
                walk(node(e.getValue()), path + "/" + e.getKey(), out, first);
            }
        }
    }

    static String line(int mode, int uid, int gid, int nlink, long size, long atime, long mtime, String content,
            Map<String, byte[]> xattrs, String id) {
        StringBuilder b = new StringBuilder(String.format("%o %d:%d nlink=%d size=%d atime=%d mtime=%d %s id=%s",
                mode, uid, gid, nlink, size, atime, mtime, content, id));
        xattrs.forEach((k, v) -> b.append(' ').append(k).append('=').append(HexFormat.of().formatHex(v)));
        return b.toString();
    }

    static String sha(byte[] data, int len) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(data, 0, len);
            return HexFormat.of().formatHex(d.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    List<Node> all() {
        return new ArrayList<>(nodes.values());
    }
}
