package org.hammer.cli.fuse;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The st_ino a mount reports: the view in the top 16 bits (0 for the mount's own view, then a
 * number per other view in order of first use, wrapping after 65535) and the object id in the
 * low 48, so the same object seen as of two TIDs or in two PFSes never shares an inode number.
 */
final class InodeNumbers {
    private static final long OBJ_MASK = (1L << 48) - 1;

    private final View root;
    private final ConcurrentHashMap<View, Integer> views = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);

    InodeNumbers(View root) {
        this.root = root;
    }

    long of(Node n) {
        long view = n.view().equals(root) ? 0 : views.computeIfAbsent(n.view(), v -> nextIndex());
        return view << 48 | (n.ino() & OBJ_MASK);
    }

    private int nextIndex() {
        return next.getAndUpdate(i -> i >= 0xFFFF ? 1 : i + 1);
    }
}
