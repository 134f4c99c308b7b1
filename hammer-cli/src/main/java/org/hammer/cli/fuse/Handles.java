package org.hammer.cli.fuse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Open files by FUSE file handle: a handle keeps naming its object whatever happens to its path. */
final class Handles {
    private final ConcurrentHashMap<Long, Node> open = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    long open(Node n) {
        long fh = next.getAndIncrement();
        open.put(fh, n);
        return fh;
    }

    /** The node of a handle, or null for handle 0 or one already released. */
    Node get(long fh) {
        return fh == 0 ? null : open.get(fh);
    }

    void release(long fh) {
        open.remove(fh);
    }
}
