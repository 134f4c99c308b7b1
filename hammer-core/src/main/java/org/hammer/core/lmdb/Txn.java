package org.hammer.core.lmdb;

import java.nio.ByteBuffer;

/**
 * An LMDB transaction. A write transaction belongs to the thread that began it (its commit or
 * abort releases the writer lock, which only that thread may do). Ending it twice is harmless;
 * using it after it ended is an IllegalStateException, never a use of freed memory.
 */
public final class Txn implements AutoCloseable {
    private long ptr;
    private final boolean readOnly;
    /** What {@link Dbi#get} and {@link Dbi#reserve} return: re-pointed by each call. */
    final ByteBuffer val = Native.emptyBuffer();

    Txn(long ptr, boolean readOnly) {
        this.ptr = ptr;
        this.readOnly = readOnly;
    }

    long live() {
        long p = ptr;
        if (p == 0) {
            throw new IllegalStateException("LMDB transaction has ended");
        }
        return p;
    }

    boolean ended() {
        return ptr == 0;
    }

    public boolean readOnly() {
        return readOnly;
    }

    /** The transaction's id: the snapshot it reads, or the commit it will make. */
    public long id() {
        return Native.txnId(live());
    }

    /** Commits; the transaction has ended whatever the outcome (LMDB frees it either way). */
    public void commit() {
        long p = live();
        ptr = 0;
        Native.txnCommit(p);
    }

    public void abort() {
        long p = ptr;
        if (p != 0) {
            ptr = 0;
            Native.txnAbort(p);
        }
    }

    @Override
    public void close() {
        abort();
    }
}
