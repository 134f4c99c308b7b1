package org.hammer.core.lmdb;

import java.nio.ByteBuffer;

/**
 * A cursor over a table. {@link #key} and {@link #val} are this cursor's two buffers, re-pointed
 * at the entry under it by each move that finds one.
 */
public final class Cursor implements AutoCloseable {
    private static final int FIRST = 0;
    private static final int LAST = 6;
    private static final int NEXT = 8;
    private static final int PREV = 12;
    private static final int SET_RANGE = 17;

    private final Txn txn;
    private final int dbi;
    private long ptr;
    private final ByteBuffer key;
    private final ByteBuffer val;

    /** What a closed cursor of a kept read transaction leaves for its next use (see {@link Txn}). */
    record Parts(int dbi, long ptr, ByteBuffer key, ByteBuffer val) {
    }

    Cursor(Txn txn, long ptr, int dbi) {
        this(txn, new Parts(dbi, ptr, Native.emptyBuffer(), Native.emptyBuffer()));
    }

    Cursor(Txn txn, Parts p) {
        this.txn = txn;
        this.dbi = p.dbi();
        this.ptr = p.ptr();
        this.key = p.key();
        this.val = p.val();
    }

    private long live() {
        long p = ptr;
        if (p == 0 || txn.ended()) {
            throw new IllegalStateException(p == 0 ? "LMDB cursor is closed" : "LMDB cursor's transaction has ended");
        }
        return p;
    }

    private boolean move(int op) {
        return Native.cursorGet(live(), op, null, 0, 0, key, val);
    }

    /** Moves to the first entry whose key is at least {@code probe}. */
    public boolean seekRange(ByteBuffer probe) {
        return Native.cursorGet(live(), SET_RANGE, probe, probe.position(), probe.remaining(), key, val);
    }

    public boolean first() {
        return move(FIRST);
    }

    public boolean last() {
        return move(LAST);
    }

    public boolean next() {
        return move(NEXT);
    }

    public boolean prev() {
        return move(PREV);
    }

    public ByteBuffer key() {
        return key;
    }

    public ByteBuffer val() {
        return val;
    }

    /**
     * Closes the cursor. LMDB frees a write transaction's cursors when it ends, so after that
     * there is nothing left to close; a read transaction's must be closed, before or after.
     */
    @Override
    public void close() {
        long p = ptr;
        if (p != 0) {
            ptr = 0;
            if (!txn.keep(new Parts(dbi, p, key, val)) && (txn.readOnly() || !txn.ended())) {
                Native.cursorClose(p);
            }
        }
    }
}
