package org.hammer.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.hammer.core.HammerException;
import org.hammer.core.btree.CorruptRecordException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.tid.Tid;
import org.hammer.core.lmdb.Cursor;
import org.hammer.core.lmdb.Dbi;
import org.hammer.core.lmdb.Pages;
import org.hammer.core.lmdb.Txn;

/** Runs a {@link StoreCheck} over one read snapshot of an {@link LmdbStore}. */
final class Verifier {
    private static final long PROGRESS_EVERY = 8L << 20;

    private final LmdbStore store;
    private final Txn txn;
    private final LmdbTxn reader;
    private final StoreCheck.Listener listener;
    private long records;
    private long bytes;
    private long changes;
    private long metaEntries;
    private long damaged;
    private long nextProgress = PROGRESS_EVERY;
    private final ByteBuffer probe = ByteBuffer.allocateDirect(LmdbTxn.CHANGE_KEY);
    /** The PFS whose records and changes are walked, or {@link StoreCheck#ALL_PFSES}. */
    private final int onlyPfs;

    Verifier(LmdbStore store, Txn txn, LmdbTxn reader, StoreCheck.Listener listener) {
        this.store = store;
        this.txn = txn;
        this.reader = reader;
        this.listener = listener;
        this.onlyPfs = listener.onlyPfs();
        if (onlyPfs != StoreCheck.ALL_PFSES && (onlyPfs < 0 || onlyPfs > 0xFFFF)) {
            throw new IllegalArgumentException("PFS id out of range: " + onlyPfs);
        }
    }

    StoreCheck.Totals run() {
        try {
            MetaPages.check(store.dir());
        } catch (HammerException e) {
            report("file", null, -1, e.getMessage());
        }
        if (onlyPfs == StoreCheck.ALL_PFSES) {
            walk("pages", this::pages);
        }
        walk("records", this::records);
        walk("changes", this::changes);
        walk("meta", this::meta);
        if (store.blocks != null) {
            walk("blocks", this::blocks);
        }
        return new StoreCheck.Totals(records, bytes, changes, metaEntries, damaged);
    }

    private void report(String table, RecordKey k, int pfs, String what) {
        damaged++;
        listener.damage(new StoreCheck.Damage(table, k, k == null ? pfs : k.pfs(), what));
    }

    /** Runs one table's walk; an LMDB failure (a page it cannot follow) ends that walk as damage. */
    private void walk(String table, Runnable walk) {
        try {
            walk.run();
        } catch (RuntimeException e) {
            HammerException he = e instanceof HammerException h ? h : LmdbErrors.translate(store.dir(), "scan", e);
            report(table, null, -1, "the walk stopped: " + he.getMessage());
        }
    }

    /**
     * The tables' pages as LMDB's searches follow them ({@link Pages#walk}): a child pointer moved
     * onto another valid page loses the entries below the page it pointed to, which no entry's
     * checksum can show.
     */
    private void pages() {
        MapBounds bounds = store.bounds;
        if (bounds.base() == 0) {
            return;
        }
        long length = bounds.refresh();
        long[] free = Pages.free(txn);
        if (free == null) {
            report("free list", null, -1, "LMDB's free list is damaged");
            free = new long[0];
        }
        long[] seen = new long[(int) ((length / store.pageSize + 63) / 64)];
        pages(store.records, RecordKey.BYTES, length, free, seen);
        pages(store.changes, LmdbTxn.CHANGE_KEY, length, free, seen);
        pages(store.meta, 0, length, free, seen);
        if (store.blocks != null) {
            pages(store.blocks, RecordKey.BYTES, length, free, seen);
        }
    }

    private void pages(Dbi dbi, int keySize, long length, long[] free, long[] seen) {
        Pages.Walk w = Pages.walk(txn, dbi, store.bounds.base(), length, (int) store.pageSize, keySize, free, seen);
        if (w.result() != Pages.OK) {
            report(dbi.name(), null, -1, (w.page() > 0 ? "page " + w.page() + ": " : "") + Pages.describe(w.result()));
        }
    }

    private void progress(long n) {
        bytes += n;
        if (bytes >= nextProgress) {
            nextProgress = bytes + PROGRESS_EVERY;
            listener.progress(bytes, records + changes + metaEntries);
        }
    }

    /**
     * Puts the cursor on the first key of the walk: the first of the table, or the first of the
     * one PFS walked (both tables' keys start with the PFS id, big-endian).
     */
    private boolean first(Cursor c) {
        if (onlyPfs == StoreCheck.ALL_PFSES) {
            return c.first();
        }
        probe.clear();
        probe.putShort((short) onlyPfs).flip();
        return c.seekRange(probe);
    }

    /** Whether a key read by a walk lies past the one PFS walked. */
    private boolean past(ByteBuffer kb) {
        return onlyPfs != StoreCheck.ALL_PFSES
                && (kb.remaining() < 2 || Short.toUnsignedInt(kb.getShort(kb.position())) != onlyPfs);
    }

    private void records() {
        try (Cursor c = store.records.openCursor(txn)) {
            KeyWalk keys = new KeyWalk("records");
            for (boolean ok = first(c); ok; ok = c.next()) {
                ByteBuffer kb = c.key();
                if (past(kb)) {
                    return;
                }
                records++;
                RecordKey k = keys.next(kb);
                if (k == null) {
                    continue;
                }
                Record r;
                try {
                    r = reader.decode(k, c.val());
                } catch (CorruptRecordException e) {
                    report("records", k, -1, e.getMessage());
                    continue;
                }
                progress(RecordKey.BYTES + r.valueSize());
                expectChange(k, k.createTid(), "create");
                if (r.deleteTid() != 0) {
                    expectChange(k, r.deleteTid(), "delete");
                }
            }
        }
    }

    /** The keys of a walk over a table keyed by record keys: each must follow the one before and read as a record key. */
    private final class KeyWalk {
        private final String table;
        private byte[] prev;

        KeyWalk(String table) {
            this.table = table;
        }

        /** The record key {@code kb} holds, or null when it cannot be read (reported). */
        RecordKey next(ByteBuffer kb) {
            byte[] kbytes = bytes(kb, 512);
            if (prev != null && compare(prev, kbytes) >= 0) {
                report(table, null, -1, "keys out of order after " + hex(prev));
            }
            prev = kbytes;
            try {
                return LmdbTxn.recordKey(kb);
            } catch (CorruptRecordException e) {
                report(table, null, kbytes.length >= 2 ? ((kbytes[0] & 0xff) << 8) | (kbytes[1] & 0xff) : -1,
                        e.getMessage() + " (" + hex(kbytes) + ")");
                return null;
            }
        }
    }

    private void expectChange(RecordKey k, long tid, String what) {
        probe.clear();
        probe.putShort((short) k.pfs()).putLong(tid);
        k.writeTo(probe);
        probe.flip();
        ByteBuffer v = store.changes.get(txn, probe);
        if (v == null) {
            report("changes", k, -1, "record " + k.describe() + " has no change entry for its " + what + " at "
                    + Tid.format(tid));
        }
    }

    private void changes() {
        try (Cursor c = store.changes.openCursor(txn)) {
            for (boolean ok = first(c); ok; ok = c.next()) {
                ByteBuffer kb = c.key().duplicate();
                if (past(kb)) {
                    return;
                }
                changes++;
                progress(kb.remaining() + c.val().remaining());
                try {
                    LmdbTxn.checkChange(kb, c.val());
                } catch (HammerException e) {
                    reportChange(kb, e);
                    continue;
                }
                int pfs = Short.toUnsignedInt(kb.getShort());
                long t = kb.getLong();
                RecordKey k;
                try {
                    k = LmdbTxn.recordKey(kb);
                } catch (CorruptRecordException e) {
                    report("changes", null, pfs, e.getMessage());
                    continue;
                }
                if (k.pfs() != pfs) {
                    report("changes", k, -1, "change entry of PFS " + pfs + " names a record of another PFS");
                    continue;
                }
                Record.Header h;
                try {
                    h = reader.head(k);
                } catch (HammerException e) {
                    continue; // damage near the record: reported by the records walk
                }
                if (h == null) {
                    report("changes", k, -1, "change at " + Tid.format(t) + " names a missing record " + k.describe());
                } else if (t != k.createTid() && t != h.deleteTid()) {
                    report("changes", k, -1, "change at " + Tid.format(t) + " matches neither the create nor the delete"
                            + " TID of record " + k.describe());
                }
            }
        }
    }

    /**
     * A change entry that fails its checks, named by the record its key names when the key can
     * be read at all (its bytes may be the damaged ones: then the record named may not exist).
     */
    private void reportChange(ByteBuffer kb, HammerException e) {
        String what = e.getMessage().startsWith("store damaged: ") ? e.getMessage().substring(15) : e.getMessage();
        if (kb.remaining() != LmdbTxn.CHANGE_KEY) {
            report("changes", null, kb.remaining() >= 2 ? Short.toUnsignedInt(kb.getShort(kb.position())) : -1, what);
            return;
        }
        ByteBuffer d = kb.duplicate();
        int pfs = Short.toUnsignedInt(d.getShort());
        d.getLong();
        RecordKey k = RecordKey.readFrom(d);
        report("changes", k, pfs, what);
    }

    /**
     * Every entry of the blocks table must be the data of a record whose header says so: the
     * records' walk has read each such record's entry and checked it against the record's data
     * CRC, so what is left to find is an entry no record names (its space lost till scrub says so).
     */
    private void blocks() {
        try (Cursor c = store.blocks.openCursor(txn)) {
            KeyWalk keys = new KeyWalk("blocks");
            for (boolean ok = first(c); ok; ok = c.next()) {
                ByteBuffer kb = c.key();
                if (past(kb)) {
                    return;
                }
                RecordKey k = keys.next(kb);
                if (k == null) {
                    continue;
                }
                Record.Header h;
                try {
                    h = reader.head(k);
                } catch (HammerException e) {
                    continue; // damage near the record: reported by the records walk
                }
                if (h == null || !h.external()) {
                    report("blocks", k, -1, "data of " + c.val().remaining() + " bytes for "
                            + (h == null ? "a missing record " : "record ") + k.describe()
                            + (h == null ? "" : ", which holds its own data"));
                }
            }
        }
    }

    private void meta() {
        try (Cursor c = store.meta.openCursor(txn)) {
            for (boolean ok = c.first(); ok; ok = c.next()) {
                metaEntries++;
                ByteBuffer kb = c.key();
                if (kb.remaining() > 511) {
                    report("meta", null, -1, "meta key of " + kb.remaining() + " bytes");
                    continue;
                }
                String name = new String(bytes(kb, 511), StandardCharsets.UTF_8);
                progress(kb.remaining() + c.val().remaining());
                try {
                    reader.meta(name);
                } catch (HammerException e) {
                    report("meta", null, -1, e.getMessage());
                }
            }
        }
    }

    private static byte[] bytes(ByteBuffer b, int max) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[Math.min(d.remaining(), max)];
        d.get(out);
        return out;
    }

    private static int compare(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x));
        }
        return s.toString();
    }
}
