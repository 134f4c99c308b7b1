package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;
import org.hammer.cli.fuse.kernel.Operations;
import org.hammer.cli.fuse.kernel.Payload;
import org.hammer.cli.fuse.kernel.Reply;
import org.hammer.cli.fuse.kernel.Request;
import org.hammer.cli.fuse.kernel.Session;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.HammerException;
import org.hammer.core.btree.DirEntry;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * The file-data and extended-attribute requests of a mount served on the FUSE kernel protocol,
 * and what all its requests share: node ids, open-file handles, the caller, how long the kernel
 * may keep what it learns, and the errno translation. {@link KernelFs} adds attributes and the
 * namespace. The rules are those of the libfuse2 callbacks ({@link FileCallbacks}), on nodes
 * instead of paths.
 */
abstract class KernelFiles extends Operations {
    static final long SECOND = 1_000_000_000L;
    /**
     * Names and attributes of a fixed TID: the kernel keeps them this long, so that history
     * another process prunes away is gone within that time (the change index does not say).
     */
    static final long KEEP_NS = (long) (Double.parseDouble(System.getProperty("hammer.fuse.timeout", "1")) * SECOND);
    /**
     * A master's names and attributes: the mount has the kernel drop those another process
     * changed as soon as its engine finds the commit ({@link Committer#onOtherWrites}, within
     * 0.1 s), so they are kept until a change says otherwise. A minute, not for ever, bounds what
     * a change missed could cost.
     */
    static final long WATCHED_NS = (long) (Double.parseDouble(System.getProperty("hammer.fuse.watched", "60")) * SECOND);
    /** Names and directory attributes of a slave, which moves forward under the mount. */
    static final long SLAVE_NS = SECOND / 10;
    /**
     * The handle's reads and writes bypass the kernel's page cache. Given to handles opened for
     * writing alone (a reader can map or cache nothing through them): each write(2) is then one
     * WRITE, where the cached path splits a write that ends inside a page, and the kernel does
     * not ask for {@code security.capability} before the file's first write, a round trip that
     * every attribute reply (CREATE's too) made necessary again. The mount drops a capability a
     * write should drop itself ({@link Handles.Handle#direct}); the kernel drops the cached
     * pages of the range each such write covers (Linux 6.6 on; before, another handle's next read
     * drops them, finding the file's mtime changed: FUSE_AUTO_INVAL_DATA).
     * {@code -Dhammer.fuse.writeDirect=false} turns it off.
     */
    static final int FOPEN_DIRECT_IO = 1 << 0;
    static final boolean WRITE_DIRECT = !"false".equals(System.getProperty("hammer.fuse.writeDirect"));
    static final int FOPEN_KEEP_CACHE = 1 << 1;
    /** The kernel keeps a directory's listing (Linux 4.20 on), until the directory changes. */
    static final int FOPEN_CACHE_DIR = 1 << 3;
    /**
     * The kernel sends no FLUSH at close (Linux 5.16 on; older kernels ignore it): given to handles
     * opened only to read, which have no written-back data whose error a close would report.
     */
    static final int FOPEN_NOFLUSH = 1 << 5;

    final Committer<Ctx> committer;
    final Namespace ns;
    final Resolver resolver;
    final Attributes attrs;
    final Handles handles;
    final NodeIds nodes;
    final MountProbe probe;
    /** The sync-end-tid each slave PFS was last seen at, to tell when it moves forward. */
    private final ConcurrentHashMap<Integer, Long> slaveTids = new ConcurrentHashMap<>();
    final FileIo io;

    KernelFiles(Committer<Ctx> committer, View root, Handles handles, MountProbe probe) {
        this.committer = committer;
        this.handles = handles;
        this.probe = probe;
        this.resolver = new Resolver(root);
        this.ns = new Namespace(committer, resolver);
        this.attrs = new Attributes(new InodeNumbers(root));
        this.nodes = new NodeIds(new Node(root, org.hammer.core.fs.FsReader.ROOT));
        this.io = new FileIo(committer, handles, ns, probe, attrs);
        committer.onOtherWrites(this::writtenElsewhere);
    }

    /** How long the kernel may keep a name and a node's attributes. */
    record Validity(long entryNs, long attrNs) {
    }

    /**
     * What the kernel may keep of node {@code n}: a master's names and attributes for
     * {@link #WATCHED_NS}, a fixed TID's for {@link #KEEP_NS}; a slave's names and directory
     * attributes briefly, its files' attributes not at all, as it moves forward under the mount;
     * nor a PFS link's attributes in PFS #0,
     * whose text shows the linked PFS's state. A slave seen at a new sync-end-tid has the cached
     * attributes and data of its known nodes dropped.
     */
    Validity validity(Ctx ctx, Node n, Attributes.Stat s) {
        View v = n.view();
        if (v.isPinned()) {
            return new Validity(KEEP_NS, KEEP_NS);
        }
        if (ctx.config(v.pfs()).isSlave()) {
            movedForward(v.pfs(), ctx.asOf(v));
            return new Validity(SLAVE_NS, s.inode().isDir() ? SLAVE_NS : 0);
        }
        if (v.pfs() == 0 && s.inode().isSymlink()) {
            return new Validity(WATCHED_NS, 0);
        }
        return new Validity(WATCHED_NS, WATCHED_NS);
    }

    /**
     * Another writer has committed to the store (a cpdup into the mounted PFS; a mirror-write
     * into a slave). For each change it made to a master the kernel holds nodes of, after TID
     * {@code sinceTid} in the change index, the kernel drops what it keeps of it: the node's
     * attributes and data, for a name made or removed its entry (or its absence) in its
     * directory, and that directory's listing. A slave's nodes go when the mount sees it moved
     * forward. Only what changed is dropped: a name dropped that something is mounted on takes
     * the mount with it. If what changed cannot be read (the change index damaged), every node's
     * attributes and data are dropped, the names kept at most their minute, and the log says so;
     * the store found damaged so, the mount refuses every change from then on ({@link Committer#damaged}).
     */
    private void writtenElsewhere(StoreReader now, long sinceTid) {
        io.capabilitiesSet.incrementAndGet(); // the other process may have set one
        Session s = session();
        if (s == null) {
            return;
        }
        try {
            dropChanged(s, now, sinceTid);
        } catch (RuntimeException e) {
            System.err.println("hammer mount: what another process changed in the store could not be read ("
                    + e.getMessage() + "): every node's attributes and data are dropped, names are kept at most "
                    + WATCHED_NS / SECOND + " s");
            nodes.ids(n -> true).forEach(s::invalidateInode);
            if (e instanceof HammerException h && h.kind() == HammerException.Kind.CORRUPT) {
                committer.damaged(h.getMessage());
            }
        }
    }

    private void dropChanged(Session s, StoreReader now, long sinceTid) {
        Set<Long> nodesChanged = new LinkedHashSet<>();
        Set<Map.Entry<Long, String>> namesChanged = new LinkedHashSet<>();
        for (View v : nodes.currentViews()) {
            PfsConfig c = PfsTable.find(now, v.pfs());
            if (c != null && c.isSlave()) {
                continue;
            }
            now.scanChanges(v.pfs(), sinceTid, null, Tid.MAX, (tid, key) -> {
                long id = nodes.held(NodeIds.Key.of(new Node(v, key.obj())));
                if (id != 0) {
                    nodesChanged.add(id);
                }
                Record r = key.type() == RecordType.DIRENTRY ? now.get(key) : null;
                if (r != null) {
                    DirEntry e = DirEntry.decode(r.data());
                    if (id != 0) {
                        namesChanged.add(Map.entry(id, e.name()));
                    }
                    long child = nodes.held(NodeIds.Key.of(new Node(v, e.child()))); // its link count
                    if (child != 0) {
                        nodesChanged.add(child);
                    }
                }
                return true;
            });
        }
        namesChanged.forEach(e -> s.invalidateEntry(e.getKey(), e.getValue()));
        nodesChanged.forEach(s::invalidateInode);
    }

    private void movedForward(int pfs, long tid) {
        Long before = slaveTids.put(pfs, tid);
        if (before != null && before != tid && session() != null) {
            for (long id : nodes.ids(n -> n.view().pfs() == pfs && !n.view().isPinned())) {
                session().invalidateInode(id);
            }
        }
    }

    /** The caller of a request. */
    static Caller caller(Request r) {
        return new Caller(r.uid(), r.gid(), r.pid());
    }

    /** Runs one request: 0 or an errno, as {@link FileCallbacks#call} translates failures. */
    static int run(IntSupplier op) {
        return -FileCallbacks.call(op);
    }

    /** The node of the request's node id. */
    Node node(Request r) {
        return nodes.node(r.nodeId());
    }

    /** The node behind a handle, else the request's node. */
    Node node(Request r, long fh) {
        Node n = handles.get(fh);
        return n != null ? n : node(r);
    }

    /** The kernel keeps a file's cached data across opens where only the mount changes it. */
    static int openFlags(Ctx ctx, Node n) {
        View v = n.view();
        return v.isPinned() || !ctx.config(v.pfs()).isSlave() ? FOPEN_KEEP_CACHE : 0;
    }

    /** Whether an open or create with {@code flags} gets a {@link #FOPEN_DIRECT_IO} handle. */
    static boolean writesDirect(int flags) {
        return WRITE_DIRECT && (flags & FileIo.O_ACCMODE) == FileIo.O_WRONLY;
    }

    /** {@link #FOPEN_DIRECT_IO} where {@link #writesDirect} says so, else 0: for the open's reply. */
    static int directIo(int flags) {
        return writesDirect(flags) ? FOPEN_DIRECT_IO : 0;
    }

    /** A new handle of {@code n} for an open with {@code flags}. */
    long openHandle(Node n, int flags, boolean dropSetGid) {
        long fh = handles.open(n);
        Handles.Handle h = handles.handle(fh);
        h.dropSetGid = dropSetGid;
        h.direct = writesDirect(flags);
        return fh;
    }

    @Override
    public void request(int opcode) {
        probe.operation(opcode);
    }

    // ---- files ----

    @Override
    public int open(Request r, int flags, int openFlags, Reply out) {
        Caller c = caller(r);
        int mask = FileIo.accessMask(flags);
        return run(() -> {
            Node n = node(r);
            boolean[] dropSetGid = {false};
            int[] open = {0};
            committer.read(ctx -> {
                if ((mask & Caller.W) != 0 && !ctx.writable(n.view())) {
                    throw new FsException(Errno.EROFS, "read-only");
                }
                if (!c.root()) {
                    Inode i = ctx.getattr(n);
                    c.check(i, mask, "open");
                    boolean setGidNoExec = (i.mode() & (Inode.S_ISGID | Inode.S_IXGRP)) == Inode.S_ISGID;
                    dropSetGid[0] = (mask & Caller.W) != 0 && setGidNoExec && !c.inGroup(i.gid());
                }
                open[0] = openFlags(ctx, n) | ((mask & Caller.W) == 0 ? FOPEN_NOFLUSH : 0);
                return null;
            });
            if ((flags & FileIo.O_TRUNC) != 0 && (flags & FileIo.O_ACCMODE) != 0) {
                truncateOnOpen(n, openFlags < 0 ? !c.root() : (openFlags & OPEN_KILL_SUIDGID) != 0);
            }
            long fh = openHandle(n, flags, dropSetGid[0]);
            out.open(fh, open[0] | directIo(flags));
            return 0;
        });
    }

    /**
     * FUSE_ATOMIC_O_TRUNC: the open truncates, and with {@code kill} drops what a truncate by a
     * caller without CAP_FSETID drops on a local disk (set-user-id, and set-group-id with group
     * execute), where the kernel's own truncate would have asked for that in a SETATTR. The kernel
     * says which caller that is (FUSE_OPEN_KILL_SUIDGID); one without HANDLE_KILLPRIV_V2 does not,
     * and every caller but root is taken for one.
     */
    private void truncateOnOpen(Node n, boolean kill) {
        committer.write(ctx -> {
            ns.claimDropped(ctx.getattr(n), 0);
            FsWriter w = ctx.writer(n.view());
            w.truncate(n.ino(), 0);
            if (kill) {
                int mode = w.getattr(n.ino()).mode();
                int bits = FileIo.setIdToKill(mode);
                if (bits != 0) {
                    w.chmod(n.ino(), mode & 07777 & ~bits);
                }
            }
            return null;
        }, 0);
    }

    @Override
    public int read(Request r, long fh, long offset, int size, Reply out) {
        return run(() -> {
            Handles.Handle h = handles.handle(fh);
            Node n = h != null ? h.node : node(r);
            int count = io.read(n, h, offset, out.dataRoom(size));
            out.dataWritten(count);
            probe.read(count);
            return 0;
        });
    }

    /**
     * Written back: queued on the committer and acknowledged at once; an error it meets later is
     * the next write's, flush's or fsync's. A write by a caller without CAP_FSETID
     * (FUSE_WRITE_KILL_SUIDGID) clears the set-id bits a local write clears, and the kernel is told
     * the mode changed.
     */
    @Override
    public int write(Request r, long fh, long offset, Payload data, int writeFlags, Reply out) {
        boolean[] queued = {false};
        try {
            return run(() -> {
                int len = data.length();
                Handles.Handle h = handles.handle(fh);
                if (h == null) {
                    Node n = node(r);
                    committer.write(ctx -> ctx.writer(n.view()).write(n.ino(), offset, data.data()), len);
                    out.written(len);
                    return 0;
                }
                int kill = (writeFlags & WRITE_KILL_SUIDGID) == 0 ? 0
                        : committer.read(ctx -> FileIo.setIdToKill(ctx.getattr(h.node).mode()));
                boolean drop = io.writeBehind(h, offset, data.data(), kill, data::release);
                queued[0] = true;
                if (drop && session() != null) {
                    session().invalidateAttributes(r.nodeId()); // its mode changes where the kernel does not see
                }
                probe.written(len);
                out.written(len);
                return 0;
            });
        } finally {
            if (!queued[0]) {
                data.release(); // applied already, or never queued
            }
        }
    }

    /** close(2): waits for the handle's queued writes and reports the first error they met. */
    @Override
    public int flush(Request r, long fh) {
        return run(() -> {
            io.flush(fh);
            return 0;
        });
    }

    @Override
    public int release(Request r, long fh, int flags) {
        return run(() -> {
            io.release(fh);
            return 0;
        });
    }

    @Override
    public int fsync(Request r, long fh, boolean datasync) {
        return run(() -> {
            io.fsync(fh);
            return 0;
        });
    }

    // ---- extended attributes ----

    @Override
    public int setxattr(Request r, String name, byte[] value, int flags) {
        if (FileIo.isAcl(name)) {
            int perms = name.equals(FileIo.ACL_ACCESS) ? FileIo.minimalAcl(value) : -1;
            if (perms < 0) {
                return FileIo.EOPNOTSUPP;
            }
            Caller c = caller(r);
            return run(() -> {
                ns.setAccessAcl(node(r), perms, c);
                if (session() != null) {
                    session().invalidateAttributes(r.nodeId()); // its mode changed; the kernel keeps it otherwise
                }
                return 0;
            });
        }
        Caller c = caller(r);
        return run(() -> {
            ns.setxattr(node(r), name, value, flags, c);
            if (name.equals(FileIo.CAPABILITY)) {
                io.capabilitiesSet.incrementAndGet();
            }
            return 0;
        });
    }

    @Override
    public int getxattr(Request r, String name, int size, Reply out) {
        if (FileIo.isAcl(name)) {
            return FileIo.EOPNOTSUPP; // none is stored: the mode says it all (FileIo.isAcl)
        }
        Caller c = caller(r);
        return run(() -> {
            byte[] v = ns.getxattr(node(r), name, c);
            return v == null ? -Errno.ENODATA.code() : answer(v, size, out);
        });
    }

    @Override
    public int listxattr(Request r, int size, Reply out) {
        Caller c = caller(r);
        return run(() -> {
            StringBuilder b = new StringBuilder();
            for (String n : ns.listxattr(node(r), c)) {
                b.append(n).append('\0');
            }
            return answer(b.toString().getBytes(StandardCharsets.UTF_8), size, out);
        });
    }

    /** getxattr/listxattr: size 0 asks for the length; too small a buffer is ERANGE. */
    private static int answer(byte[] data, int size, Reply out) {
        if (size == 0) {
            out.xattrSize(data.length);
            return 0;
        }
        if (data.length > size) {
            return -Errno.ERANGE.code();
        }
        out.data(data, 0, data.length);
        return 0;
    }

    @Override
    public int removexattr(Request r, String name) {
        if (FileIo.isAcl(name)) {
            // None is stored, so there is nothing to remove: success, as on a local disk, where it may be written.
            return run(() -> ns.writable(node(r)) ? 0 : -Errno.EROFS.code());
        }
        Caller c = caller(r);
        return run(() -> {
            ns.removexattr(node(r), name, c);
            return 0;
        });
    }
}
