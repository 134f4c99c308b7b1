package org.hammer.core.lmdb;

import java.nio.ByteBuffer;

/**
 * A table of an environment, ordered by LMDB's own key comparison (bytes, unsigned). Keys and
 * values passed in are direct buffers, read from position to limit. Values returned point into
 * the map, valid until the transaction ends or writes again; the buffer object is the
 * transaction's and is re-pointed by its next get or reserve.
 */
public final class Dbi {
    private static final int RESERVE_NONE = 0;

    private final String name;
    private final int handle;

    Dbi(String name, int handle) {
        this.name = name;
        this.handle = handle;
    }

    public String name() {
        return name;
    }

    /** The value stored under {@code key}, or null. */
    public ByteBuffer get(Txn txn, ByteBuffer key) {
        return Native.get(txn.live(), handle, key, key.position(), key.remaining(), txn.val) ? txn.val : null;
    }

    public void put(Txn txn, ByteBuffer key, ByteBuffer val) {
        Native.put(txn.live(), handle, key, key.position(), key.remaining(), val, val.position(), val.remaining(), 0);
    }

    /** Stores {@code size} bytes under {@code key} and returns them, uninitialised, to be written in place. */
    public ByteBuffer reserve(Txn txn, ByteBuffer key, int size) {
        Native.reserve(txn.live(), handle, key, key.position(), key.remaining(), size, RESERVE_NONE, txn.val);
        return txn.val;
    }

    /** Deletes {@code key}; false when there was none. */
    public boolean delete(Txn txn, ByteBuffer key) {
        return Native.del(txn.live(), handle, key, key.position(), key.remaining());
    }

    public Cursor openCursor(Txn txn) {
        long t = txn.live();
        Cursor kept = txn.reuse(handle);
        return kept != null ? kept : new Cursor(txn, Native.cursorOpen(t, handle), handle);
    }

    /** The table's persistent flags (0 for a plain table). */
    public int flags(Txn txn) {
        return Native.dbiFlags(txn.live(), handle);
    }
}
