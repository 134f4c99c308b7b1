package org.hammer.core.lmdb;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An LMDB transaction. A write transaction belongs to the thread that began it (its commit or
 * abort releases the writer lock, which only that thread may do). Ending it twice is harmless;
 * using it after it ended is an IllegalStateException, never a use of freed memory.
 *
 * <p>A read transaction from {@link Env#txnReadKept} goes back to its environment when it ends:
 * LMDB's transaction, its reader slot and the cursors closed in it are kept, reset, for the next
 * one, which renews them on the newest snapshot instead of allocating them again. Each use gets
 * its own {@code Txn} and {@code Cursor} objects, so one that ended stays ended.
 */
public final class Txn implements AutoCloseable {
    /** The most cursors a kept read transaction keeps for its next use. */
    private static final int MAX_KEPT_CURSORS = 8;

    private long ptr;
    private final boolean readOnly;
    /** What {@link Dbi#get} and {@link Dbi#reserve} return: re-pointed by each call. */
    final ByteBuffer val;
    /** The environment a kept read transaction goes back to when it ends, or null. */
    private Env keeper;
    /** A kept read transaction's closed cursors, for its next use; null for any other. */
    private final List<Cursor.Parts> keptCursors;

    /** What a kept read transaction leaves for its next use: LMDB's transaction, reset, and its cursors. */
    record Idle(long txn, ByteBuffer val, List<Cursor.Parts> cursors) {
        /** Ends them for good. */
        void discard() {
            Native.txnAbort(txn);
            for (Cursor.Parts c : cursors) {
                Native.cursorClose(c.ptr());
            }
        }
    }

    Txn(long ptr, boolean readOnly) {
        this(ptr, readOnly, Native.emptyBuffer(), null, null);
    }

    Txn(long ptr, boolean readOnly, ByteBuffer val, Env keeper, List<Cursor.Parts> keptCursors) {
        this.ptr = ptr;
        this.readOnly = readOnly;
        this.val = val;
        this.keeper = keeper;
        this.keptCursors = keptCursors;
    }

    /** Ends a kept read transaction for good when it ends, instead of keeping it for the next use. */
    public void doNotKeep() {
        keeper = null;
    }

    /** A cursor on table {@code dbi} that this kept transaction's last use closed, renewed; else null. */
    Cursor reuse(int dbi) {
        if (keptCursors != null) {
            for (int i = keptCursors.size() - 1; i >= 0; i--) {
                if (keptCursors.get(i).dbi() == dbi) {
                    return new Cursor(this, keptCursors.remove(i));
                }
            }
        }
        return null;
    }

    /** Takes a closing cursor's parts for the next use, if this is a live kept transaction with room. */
    boolean keep(Cursor.Parts c) {
        if (keptCursors == null || ptr == 0 || keptCursors.size() >= MAX_KEPT_CURSORS) {
            return false;
        }
        keptCursors.add(c);
        return true;
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
        try {
            Native.txnCommit(p);
        } finally {
            closeKeptCursors();
        }
    }

    /** Ends the transaction; a kept read transaction goes back to its environment for the next use. */
    public void abort() {
        long p = ptr;
        if (p != 0) {
            ptr = 0;
            Idle idle = new Idle(p, val, keptCursors != null ? keptCursors : List.of());
            if (keeper == null || !keeper.keep(idle)) {
                idle.discard();
            }
        }
    }

    private void closeKeptCursors() {
        if (keptCursors != null) {
            for (Cursor.Parts c : keptCursors) {
                Native.cursorClose(c.ptr());
            }
            keptCursors.clear();
        }
    }

    @Override
    public void close() {
        abort();
    }
}
