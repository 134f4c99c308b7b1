package org.hammer.core.fs;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One open file as the write-back engine ({@link Committer}) knows it: the object its writes
 * change (reads of it queue behind them), how many of them are queued, and the error slot of the
 * written-back data. A failed write-back is reported the way a local filesystem reports one: the
 * first error since the last report waits in the slot for the next flush (close) or fsync of the
 * handle, which takes it; each error is taken exactly once, whichever threads fail and take at
 * the same time (the slot is one atomic reference).
 */
public class WriteHandle {
    private final Object key;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicReference<FsException> error = new AtomicReference<>();

    /** A handle on the object {@code key} names (compared with equals: reads of an equal key wait for its writes). */
    public WriteHandle(Object key) {
        this.key = key;
    }

    /** The object the handle writes. */
    public final Object key() {
        return key;
    }

    /** Writes queued through this handle and not run yet. */
    public final int queued() {
        return queued.get();
    }

    final void queue() {
        queued.incrementAndGet();
    }

    final void dequeue() {
        queued.decrementAndGet();
    }

    /**
     * A write-back through this handle failed with {@code e}: kept unless an earlier error is
     * still unreported (that one is the error of the file until it is reported). Returns whether
     * {@code e} was kept.
     */
    public final boolean failed(FsException e) {
        return error.compareAndSet(null, e);
    }

    /** The unreported error, left in the slot; null if none. */
    public final FsException error() {
        return error.get();
    }

    /** The unreported error, taken out of the slot: no other call gets it; null if none. */
    public final FsException takeError() {
        return error.getAndSet(null);
    }
}
