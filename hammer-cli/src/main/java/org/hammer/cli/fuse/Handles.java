package org.hammer.cli.fuse;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hammer.core.fs.OpenFiles;
import org.hammer.core.fs.ReadAhead;
import org.hammer.core.fs.WriteHandle;

/**
 * Open files by FUSE file handle: a handle keeps naming its object whatever happens to its path.
 * They are also the mount's {@link OpenFiles}: an object whose last name goes while a handle has
 * it open becomes an orphan, which {@link #release} hands back for reclaiming with its last
 * handle. For an orphan's attributes, which libfuse can only ask through a handle, the handles
 * also know the kernel node (libfuse's node id) each was opened on.
 */
final class Handles implements OpenFiles {
    private final ConcurrentHashMap<Long, Handle> open = new ConcurrentHashMap<>();
    /** The handles open per node; a node's entry changes only inside the map's compute on its key. */
    private final ConcurrentHashMap<Node, Opened> byNode = new ConcurrentHashMap<>();
    /** The kernel nodes of orphans, each to the orphan. */
    private final ConcurrentHashMap<Long, Node> orphanKernelNodes = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);
    private final String owner;

    Handles(String owner) {
        this.owner = owner;
    }

    /**
     * One open file: its node, and as the write-back engine's {@link WriteHandle} the writes
     * queued through it and the error slot that the next flush (close) or fsync reports.
     */
    static final class Handle extends WriteHandle {
        final Node node;
        /** The first write through this handle drops the file's set-group-id bit. */
        volatile boolean dropSetGid;
        /**
         * Opened for writing alone, with the kernel's page cache bypassed (FOPEN_DIRECT_IO): the
         * kernel then leaves it to the mount to drop the file's {@code security.capability} at a
         * write, as it does itself on the cached path.
         */
        volatile boolean direct;
        /** The {@link FileIo#capabilitiesSet} count at which a write through this handle last looked for a capability. */
        volatile long capabilitiesSeen = -1;
        /** Whether this handle's reads come in sequence, and what to ask the store for ahead of them. */
        final ReadAhead ahead = new ReadAhead();

        Handle(Node node) {
            super(node);
            this.node = node;
        }
    }

    /** The handles and kernel nodes of one node, and whether it is an orphan. */
    private static final class Opened {
        final Set<Long> handles = new HashSet<>(2);
        final Set<Long> kernelNodes = new HashSet<>(2);
        boolean orphan;
    }

    long open(Node n) {
        long fh = next.getAndIncrement();
        open.put(fh, new Handle(n));
        byNode.compute(n, (k, o) -> {
            Opened x = o == null ? new Opened() : o;
            x.handles.add(fh);
            return x;
        });
        return fh;
    }

    /** The handle, or null for handle 0 or one already released. */
    Handle handle(long fh) {
        return fh == 0 ? null : open.get(fh);
    }

    /** The node of a handle, or null for handle 0 or one already released. */
    Node get(long fh) {
        Handle h = handle(fh);
        return h == null ? null : h.node;
    }

    /** Handle {@code fh} was opened on kernel node {@code kernelNode} (from the OPEN or CREATE exchange). */
    void opened(long fh, long kernelNode) {
        Handle h = handle(fh);
        if (h != null) {
            byNode.computeIfPresent(h.node, (k, o) -> {
                o.kernelNodes.add(kernelNode);
                if (o.orphan) {
                    orphanKernelNodes.put(kernelNode, k);
                }
                return o;
            });
        }
    }

    /** A handle open on orphan kernel node {@code kernelNode}, or 0 when it is no orphan's. */
    long orphanHandle(long kernelNode) {
        Node n = orphanKernelNodes.get(kernelNode);
        long[] fh = {0};
        if (n != null) {
            byNode.computeIfPresent(n, (k, o) -> {
                fh[0] = o.handles.iterator().next();
                return o;
            });
        }
        return fh[0];
    }

    /** Releases {@code fh}; returns its node when that was the last handle of an orphan, to reclaim, else null. */
    Node release(long fh) {
        Handle h = open.remove(fh);
        if (h == null) {
            return null;
        }
        Node[] orphan = {null};
        byNode.computeIfPresent(h.node, (k, o) -> {
            o.handles.remove(fh);
            if (!o.handles.isEmpty()) {
                return o;
            }
            o.kernelNodes.forEach(orphanKernelNodes::remove);
            orphan[0] = o.orphan ? k : null;
            return null;
        });
        return orphan[0];
    }

    /** An object of a writable view loses its last name: kept while a handle has it open. */
    @Override
    public boolean keep(int pfs, long ino) {
        boolean[] kept = {false};
        byNode.computeIfPresent(new Node(View.current(pfs), ino), (k, o) -> {
            o.orphan = true;
            o.kernelNodes.forEach(id -> orphanKernelNodes.put(id, k));
            kept[0] = true;
            return o;
        });
        return kept[0];
    }

    @Override
    public String owner() {
        return owner;
    }
}
