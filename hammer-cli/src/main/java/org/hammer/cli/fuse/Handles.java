package org.hammer.cli.fuse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.hammer.core.fs.FsException;

/** Open files by FUSE file handle: a handle keeps naming its object whatever happens to its path. */
final class Handles {
    private final ConcurrentHashMap<Long, Handle> open = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    /**
     * One open file: its node, the writes queued through it and not yet applied, and the first
     * error one of them met — reported, as a local filesystem reports a failed write-back, by the
     * next flush (close) or fsync of the handle.
     */
    static final class Handle {
        final Node node;
        final AtomicInteger queued = new AtomicInteger();
        /** The first write through this handle drops the file's set-group-id bit. */
        volatile boolean dropSetGid;
        private volatile FsException error;

        Handle(Node node) {
            this.node = node;
        }

        void failed(FsException e) {
            if (error == null) {
                error = e;
            }
        }

        /** The error a queued write met, not cleared; null if none. */
        FsException error() {
            return error;
        }

        /** The error a queued write met since the last call, cleared; null if none. */
        FsException takeError() {
            FsException e = error;
            error = null;
            return e;
        }
    }

    long open(Node n) {
        long fh = next.getAndIncrement();
        open.put(fh, new Handle(n));
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

    void release(long fh) {
        open.remove(fh);
    }
}
