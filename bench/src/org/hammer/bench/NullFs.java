package org.hammer.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hammer.cli.fuse.kernel.Attr;
import org.hammer.cli.fuse.kernel.KernelMount;
import org.hammer.cli.fuse.kernel.Operations;
import org.hammer.cli.fuse.kernel.Payload;
import org.hammer.cli.fuse.kernel.Reply;
import org.hammer.cli.fuse.kernel.Request;
import org.hammer.cli.fuse.kernel.Session;

/**
 * {@code NullFs MOUNTPOINT [THREADS]}: a file system kept in memory, served through the mount's
 * own kernel transport (the same INIT flags, FUSE over io_uring where the kernel's switch is on,
 * the same worker threads) and answering as the mount does where that decides which requests the
 * kernel sends: names and attributes kept for a minute, files opened to write alone past the page
 * cache, no FLUSH for files opened to read, no OPENDIR. What it does per request is a map lookup
 * and, for data, a copy: the floor any daemon on this transport could reach on this machine, to
 * set beside the mount and the local disk (bench/fuse-backends' side {@code null}). Nothing it holds survives it; it is
 * not a file system to keep anything on. Runs until unmounted (fusermount3 -u).
 */
public final class NullFs extends Operations {
    private static final long KEEP_NS = 60_000_000_000L;
    private static final int ENOENT = 2, EEXIST = 17, ENOTEMPTY = 39, ENODATA = 61, ERANGE = 34, EINVAL = 22;
    private static final int S_IFDIR = 0040000, S_IFREG = 0100000, S_IFMT = 0170000;
    private static final int O_ACCMODE = 3, O_WRONLY = 1, O_TRUNC = 01000;
    /**
     * {@code -Dnullfs.writeback=true}: the kernel's write-back cache asked for at INIT (the side
     * {@code nullwb}), which the mount does not ask for: the floor with it, to say what it would buy.
     */
    private static final boolean WB = Boolean.getBoolean("nullfs.writeback");
    private static final int FOPEN_DIRECT_IO = 1, FOPEN_NOFLUSH = 1 << 5;

    /** A node: its attributes, a directory's names, a file's bytes; guarded by its own monitor. */
    private static final class Node {
        final long ino;
        int mode, uid, gid, nlink;
        /** Open handles; a file without names or handles gives its bytes up. */
        int opens;
        long atime, mtime, ctime, size;
        /**
         * The bytes in chunks of at most {@link #CHUNK}, each as long as it has been written; what
         * no chunk holds reads as zeros. Run with the heap touched in advance and full chunks made
         * in the old generation (bench/fuse-backends' options): on a virtual machine where a page's
         * first touch is dear, a chunk then costs what its copy does.
         */
        final List<ByteBuffer> chunks = new ArrayList<>();
        final TreeMap<String, Long> names = new TreeMap<>();
        final Map<String, byte[]> xattrs = new TreeMap<>();

        Node(long ino, int mode, int uid, int gid, long now) {
            this.ino = ino;
            this.mode = mode;
            this.uid = uid;
            this.gid = gid;
            this.nlink = (mode & S_IFMT) == S_IFDIR ? 2 : 1;
            this.atime = this.mtime = this.ctime = now;
        }

        synchronized Attr attr() {
            return new Attr(ino, size, (size + 511) / 512, atime, mtime, ctime, mode, nlink, uid, gid, 0, 4096);
        }
    }

    private final Map<Long, Node> nodes = new ConcurrentHashMap<>();
    /** Held for every look at or change of a directory's names (before any node's monitor). */
    private final Object names = new Object();
    private final AtomicLong nextIno = new AtomicLong(2);

    private NullFs() {
        nodes.put(1L, new Node(1, S_IFDIR | 0755, 0, 0, now()));
    }

    private static long now() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    private Node node(long id) {
        return nodes.get(id);
    }

    @Override
    public int lookup(Request r, String name, Reply out) {
        Node dir = node(r.nodeId());
        Long id;
        synchronized (names) {
            id = dir.names.get(name);
        }
        if (id == null) {
            out.entry(0, 0, KEEP_NS, 0, Attr.NONE); // the kernel keeps the name's absence, as the mount's
            return 0;
        }
        out.entry(id, 0, KEEP_NS, KEEP_NS, node(id).attr());
        return 0;
    }

    @Override
    public int getattr(Request r, long fh, Reply out) {
        out.attrOut(KEEP_NS, node(r.nodeId()).attr());
        return 0;
    }

    @Override
    public int setattr(Request r, SetAttr a, Reply out) {
        Node n = node(r.nodeId());
        long t = now();
        synchronized (n) {
            if (a.has(SetAttr.MODE)) {
                n.mode = (n.mode & S_IFMT) | (a.mode() & 07777);
            }
            if (a.has(SetAttr.UID)) {
                n.uid = a.uid();
            }
            if (a.has(SetAttr.GID)) {
                n.gid = a.gid();
            }
            if (a.has(SetAttr.SIZE)) {
                resize(n, a.size());
                n.mtime = t;
            }
            if (a.has(SetAttr.ATIME)) {
                n.atime = a.atimeNs() < 0 ? t : a.atimeNs();
            }
            if (a.has(SetAttr.MTIME)) {
                n.mtime = a.mtimeNs() < 0 ? t : a.mtimeNs();
            }
            n.ctime = t;
        }
        out.attrOut(KEEP_NS, n.attr());
        return 0;
    }

    private static final int CHUNK = 1 << 20;

    private static void resize(Node n, long size) {
        if (size < n.size) {
            int keep = (int) ((size + CHUNK - 1) / CHUNK);
            while (n.chunks.size() > keep) {
                n.chunks.remove(n.chunks.size() - 1);
            }
            ByteBuffer last = size % CHUNK == 0 || keep == 0 || keep > n.chunks.size() ? null : n.chunks.get(keep - 1);
            for (int i = (int) (size % CHUNK); last != null && i < last.capacity(); i++) {
                last.put(i, (byte) 0);
            }
        }
        n.size = size;
    }

    /** Copies between a file's chunks and {@code b} (its position on), {@code len} bytes at {@code offset}. */
    private static void copy(Node n, long offset, ByteBuffer b, int len, boolean write) {
        int at = b.position();
        for (int done = 0; done < len;) {
            long o = offset + done;
            int k = (int) (o / CHUNK), in = (int) (o % CHUNK), part = Math.min(len - done, CHUNK - in);
            while (write && n.chunks.size() <= k) {
                n.chunks.add(null);
            }
            ByteBuffer c = k < n.chunks.size() ? n.chunks.get(k) : null;
            if (write) {
                if (c == null || c.capacity() < in + part) {
                    int need = in + part;
                    int cap = need <= 64 ? 64 : Math.min(CHUNK, Integer.highestOneBit(need - 1) << 1);
                    ByteBuffer grown = ByteBuffer.allocate(cap);
                    if (c != null) {
                        grown.put(0, c, 0, c.capacity());
                    }
                    n.chunks.set(k, c = grown);
                }
                c.put(in, b, at + done, part);
            } else {
                int have = c == null ? 0 : Math.max(0, Math.min(part, c.capacity() - in));
                if (have > 0) {
                    b.put(at + done, c, in, have);
                }
                if (have < part) {
                    b.put(at + done + have, new byte[part - have]); // never written: zeros
                }
            }
            done += part;
        }
    }

    /** A new node named {@code name} in the request's directory; null if the name is taken. */
    private Node make(Request r, String name, int mode) {
        Node dir = node(r.nodeId());
        long t = now();
        Node n = new Node(nextIno.getAndIncrement(), mode, r.uid(), r.gid(), t);
        synchronized (names) {
            if (dir.names.containsKey(name)) {
                return null;
            }
            nodes.put(n.ino, n);
            dir.names.put(name, n.ino);
            synchronized (dir) {
                dir.nlink += (mode & S_IFMT) == S_IFDIR ? 1 : 0;
                dir.mtime = dir.ctime = t;
            }
        }
        return n;
    }

    @Override
    public int mkdir(Request r, String name, int mode, int umask, Reply out) {
        Node n = make(r, name, S_IFDIR | (mode & ~umask & 07777));
        if (n == null) {
            return EEXIST;
        }
        out.entry(n.ino, 0, KEEP_NS, KEEP_NS, n.attr());
        return 0;
    }

    @Override
    public int create(Request r, String name, int flags, int mode, int umask, Reply out) {
        Node n = make(r, name, S_IFREG | (mode & ~umask & 07777));
        if (n == null) {
            return EEXIST;
        }
        synchronized (n) {
            n.opens++;
        }
        out.entry(n.ino, 0, KEEP_NS, KEEP_NS, n.attr());
        out.open(n.ino, openFlags(flags));
        return 0;
    }

    /**
     * As the mount's: past the page cache when opened to write alone, no FLUSH when opened to read
     * alone. With the write-back cache every write goes through the page cache (the kernel opens a
     * file to write as to read and write then, so that it can fill a page it writes in part).
     */
    private static int openFlags(int flags) {
        int access = flags & O_ACCMODE;
        return access == O_WRONLY && !WB ? FOPEN_DIRECT_IO : access == 0 ? FOPEN_NOFLUSH : 0;
    }

    @Override
    public int open(Request r, int flags, int openFlags, Reply out) {
        Node n = node(r.nodeId());
        synchronized (n) {
            n.opens++;
            if ((flags & O_TRUNC) != 0 && (flags & O_ACCMODE) != 0) {
                resize(n, 0);
                n.mtime = n.ctime = now();
            }
        }
        out.open(n.ino, openFlags(flags));
        return 0;
    }

    @Override
    public int read(Request r, long fh, long offset, int size, Reply out) {
        Node n = node(fh);
        synchronized (n) {
            int count = (int) Math.max(0, Math.min(size, n.size - offset));
            if (count > 0) {
                copy(n, offset, out.dataRoom(count), count, false);
                out.dataWritten(count);
            }
        }
        return 0;
    }

    @Override
    public int write(Request r, long fh, long offset, Payload data, int writeFlags, Reply out) {
        Node n = node(fh);
        int len = data.length();
        try {
            synchronized (n) {
                long end = offset + len;
                if (end > n.size) {
                    resize(n, end);
                }
                copy(n, offset, data.data(), len, true);
                n.mtime = n.ctime = now();
            }
        } finally {
            data.release();
        }
        out.written(len);
        return 0;
    }

    @Override
    public int release(Request r, long fh, int flags) {
        Node n = node(fh);
        synchronized (n) {
            n.opens--;
        }
        dropIfGone(n);
        return 0;
    }

    /**
     * Gives up the bytes of a file that has neither a name nor an open handle. The node itself stays
     * (a few fields): the kernel may still ask about its number until it forgets it.
     */
    private static void dropIfGone(Node n) {
        synchronized (n) {
            if (n.nlink <= 0 && n.opens <= 0 && (n.mode & S_IFMT) != S_IFDIR) {
                n.chunks.clear();
                n.size = 0;
            }
        }
    }

    @Override
    public int flush(Request r, long fh) {
        return 0;
    }

    @Override
    public int fsync(Request r, long fh, boolean datasync) {
        return 0;
    }

    @Override
    public int opendir(Request r, int flags, boolean declinable, Reply out) {
        if (declinable) {
            return ENOSYS;
        }
        out.open(0, 0);
        return 0;
    }

    @Override
    public int readdir(Request r, long fh, long offset, int size, boolean plus, Reply out) {
        Node dir = node(r.nodeId());
        List<Map.Entry<String, Long>> entries;
        synchronized (names) {
            entries = new ArrayList<>(dir.names.entrySet());
        }
        for (int k = (int) offset; k < entries.size(); k++) {
            byte[] name = entries.get(k).getKey().getBytes(StandardCharsets.UTF_8);
            Node n = node(entries.get(k).getValue());
            Attr a = n.attr();
            if (plus) {
                if (!out.fitsPlus(name.length, size)) {
                    break;
                }
                out.direntPlus(n.ino, KEEP_NS, KEEP_NS, a, k + 1, name);
            } else if (!out.dirent(n.ino, k + 1, a.mode() & S_IFMT, name, size)) {
                break;
            }
        }
        return 0;
    }

    @Override
    public int unlink(Request r, String name) {
        return remove(r, name, false);
    }

    @Override
    public int rmdir(Request r, String name) {
        return remove(r, name, true);
    }

    private int remove(Request r, String name, boolean isDir) {
        Node dir = node(r.nodeId());
        synchronized (names) {
            Long id = dir.names.get(name);
            if (id == null) {
                return ENOENT;
            }
            Node n = node(id);
            if (isDir && !n.names.isEmpty()) {
                return ENOTEMPTY;
            }
            dir.names.remove(name);
            unlinked(n);
            synchronized (dir) {
                dir.nlink -= isDir ? 1 : 0;
                dir.mtime = dir.ctime = now();
            }
            dropIfGone(n);
        }
        return 0;
    }

    private static void unlinked(Node n) {
        synchronized (n) {
            n.nlink -= (n.mode & S_IFMT) == S_IFDIR ? 2 : 1;
            n.ctime = now();
        }
    }

    @Override
    public int link(Request r, long oldNode, String newName, Reply out) {
        Node dir = node(r.nodeId()), n = node(oldNode);
        synchronized (names) {
            if (dir.names.containsKey(newName)) {
                return EEXIST;
            }
            dir.names.put(newName, n.ino);
            long t = now();
            synchronized (n) {
                n.nlink++;
                n.ctime = t;
            }
            synchronized (dir) {
                dir.mtime = dir.ctime = t;
            }
        }
        out.entry(n.ino, 0, KEEP_NS, KEEP_NS, n.attr());
        return 0;
    }

    /** RENAME and RENAME2: over a name that is there (a file, or an empty directory) unless NOREPLACE. */
    @Override
    public int rename(Request r, String name, long newDir, String newName, int flags) {
        Node from = node(r.nodeId()), to = node(newDir);
        synchronized (names) {
            Long id = from.names.get(name);
            if (id == null) {
                return ENOENT;
            }
            Long there = to.names.get(newName);
            if (there != null && (flags & 1) != 0) {
                return EEXIST;
            }
            if (flags > 1) {
                return EINVAL; // RENAME_EXCHANGE, RENAME_WHITEOUT: not needed here
            }
            Node n = node(id);
            boolean isDir = (n.mode & S_IFMT) == S_IFDIR;
            if (there != null && !there.equals(id)) {
                Node old = node(there);
                if ((old.mode & S_IFMT) == S_IFDIR && !old.names.isEmpty()) {
                    return ENOTEMPTY;
                }
                unlinked(old);
                if ((old.mode & S_IFMT) == S_IFDIR) {
                    synchronized (to) {
                        to.nlink--;
                    }
                }
                dropIfGone(old);
            }
            from.names.remove(name);
            to.names.put(newName, id);
            long t = now();
            synchronized (from) {
                from.nlink -= isDir ? 1 : 0;
                from.mtime = from.ctime = t;
            }
            synchronized (to) {
                to.nlink += isDir ? 1 : 0;
                to.mtime = to.ctime = t;
            }
            synchronized (n) {
                n.ctime = t;
            }
        }
        return 0;
    }

    @Override
    public int setxattr(Request r, String name, byte[] value, int flags) {
        Node n = node(r.nodeId());
        synchronized (n) {
            n.xattrs.put(name, value);
            n.ctime = now();
        }
        return 0;
    }

    @Override
    public int getxattr(Request r, String name, int size, Reply out) {
        Node n = node(r.nodeId());
        byte[] v;
        synchronized (n) {
            v = n.xattrs.get(name);
        }
        return v == null ? ENODATA : answer(v, size, out);
    }

    /** A value or name list as getxattr(2) asks for it: its size alone when {@code size} is 0; ERANGE when larger. */
    private static int answer(byte[] v, int size, Reply out) {
        if (size == 0) {
            out.xattrSize(v.length);
        } else if (v.length > size) {
            return ERANGE;
        } else {
            out.data(v, 0, v.length);
        }
        return 0;
    }

    @Override
    public int listxattr(Request r, int size, Reply out) {
        Node n = node(r.nodeId());
        StringBuilder b = new StringBuilder();
        synchronized (n) {
            for (String name : n.xattrs.keySet()) {
                b.append(name).append('\0');
            }
        }
        return answer(b.toString().getBytes(StandardCharsets.UTF_8), size, out);
    }

    @Override
    public int removexattr(Request r, String name) {
        Node n = node(r.nodeId());
        synchronized (n) {
            return n.xattrs.remove(name) == null ? ENODATA : 0;
        }
    }

    @Override
    public int statfs(Request r, Reply out) {
        out.statfs(1L << 30, 1L << 29, 1L << 29, 1L << 24, 1L << 23, 4096, 255, 4096);
        return 0;
    }

    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: NullFs MOUNTPOINT [THREADS]");
            System.exit(2);
        }
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        NullFs fs = new NullFs();
        int fd = KernelMount.mount(Path.of(args[0]), new KernelMount.Options("nullfs", "nullfs", false, true, true));
        new Session(fd, fs, WB, 4 << 20).rings().serve(threads); // the readahead the mount asks for
    }
}
