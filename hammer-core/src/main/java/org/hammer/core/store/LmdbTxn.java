package org.hammer.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.btree.CorruptRecordException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.lmdb.Cursor;
import org.hammer.core.lmdb.Dbi;
import org.hammer.core.lmdb.Env;
import org.hammer.core.lmdb.Pages;
import org.hammer.core.lmdb.Posix;
import org.hammer.core.lmdb.Txn;

/** One LMDB transaction seen as a {@link StoreWriter} (read-only when not writable). */
final class LmdbTxn implements StoreWriter {

    /**
     * Direct buffers for keys and values, one set per thread: allocating them per transaction
     * costs more than a small read. A buffer is only used within one call (LMDB copies what it is
     * given), so nested transactions on one thread may share them.
     */
    private static final class Scratch {
        private static final ThreadLocal<Scratch> PER_THREAD = ThreadLocal.withInitial(Scratch::new);

        final ByteBuffer key = ByteBuffer.allocateDirect(512);
        final ByteBuffer key2 = ByteBuffer.allocateDirect(64);
        final ByteBuffer blockKey = ByteBuffer.allocateDirect(RecordKey.BYTES);
        final ByteBuffer one = ByteBuffer.allocateDirect(CHANGE_VALUE);
        final ByteBuffer path = ByteBuffer.allocateDirect((Pages.MAX_DEPTH + 1) * Long.BYTES)
                .order(java.nio.ByteOrder.nativeOrder());
        private ByteBuffer val = ByteBuffer.allocateDirect(16 * 1024);

        static Scratch get() {
            return PER_THREAD.get();
        }

        /** A cleared value buffer of at least {@code size} bytes. */
        ByteBuffer value(int size) {
            if (val.capacity() < size) {
                val = ByteBuffer.allocateDirect(Math.max(size, val.capacity() * 2));
            }
            val.clear();
            return val;
        }
    }
    private static final byte CHANGE_CREATE = 1;
    private static final byte CHANGE_DELETE = 2;
    /** Change index key: pfs u16 | tid u64 | record key; value: kind u8 | crc u32 (FORMAT.md). */
    static final int CHANGE_KEY = 2 + 8 + RecordKey.BYTES;
    static final int CHANGE_VALUE = 1 + 4;
    /** LMDB's largest key (its default MDB_MAXKEYSIZE). */
    private static final int MAX_KEY = 511;

    private final LmdbStore store;
    private final Txn txn;
    private final boolean writable;
    /**
     * The thread that may use this write transaction now: the one that began it, or the one it
     * is handed over to ({@link #attach}); none while detached. Unused for read transactions,
     * which MDB_NOTLS lets move between threads.
     */
    private final AtomicReference<Thread> owner;
    private final long tid;
    private final long now;
    /** A read transaction's snapshot (its LMDB transaction id), read once; 0 for a write transaction. */
    private final long readSnapshot;
    private long lastTid;
    private boolean tidDirty;
    private HammerException tidError;
    /** Set while {@link #visibleStoredData} reads: large values not in the page cache are read past it. */
    private ColdValues cold;
    /** Whether searches check the entries around where they land (see {@link Store#readNear}). */
    boolean checkNeighbours = true;
    private final Scratch scratch = Scratch.get();
    private final ByteBuffer key = scratch.key;
    private final ByteBuffer key2 = scratch.key2;
    private final ByteBuffer blockKey = scratch.blockKey;
    private final ByteBuffer one = scratch.one;
    private final Record.RecordCrc crc = new Record.RecordCrc();

    LmdbTxn(LmdbStore store, Txn txn, boolean writable, boolean allocateTid) {
        this.store = store;
        this.txn = txn;
        this.writable = writable;
        this.owner = writable ? new AtomicReference<>(Thread.currentThread()) : null;
        this.readSnapshot = writable ? 0 : txn.id();
        long last;
        try {
            last = writable ? readLastTid() : lastTidOfSnapshot();
        } catch (HammerException e) {
            if (writable) {
                throw e;
            }
            last = -1; // a damaged counter: lastTid() reports it, a check reads on
            tidError = e;
        }
        this.lastTid = last;
        if (allocateTid) {
            this.tid = lastTid + 1;
            this.lastTid = tid;
            this.tidDirty = true;
        } else {
            this.tid = 0;
        }
        this.now = micros(Instant.now());
    }

    @Override
    public long snapshot() {
        return readSnapshot;
    }

    static long micros(Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /**
     * The TID counter of this read's snapshot: read and checked once per snapshot (a snapshot's
     * pages never change), then taken from the store's note of it while reads see the same one.
     */
    private long lastTidOfSnapshot() {
        LmdbStore.TidOf seen = store.lastTidSeen;
        if (seen != null && seen.snapshot() == readSnapshot) {
            return seen.lastTid();
        }
        long last = readLastTid();
        store.lastTidSeen = new LmdbStore.TidOf(readSnapshot, last);
        return last;
    }

    private long readLastTid() {
        byte[] v = meta(LmdbStore.META_TID);
        if (v != null && v.length != 8) {
            throw damaged("meta entry '" + LmdbStore.META_TID + "' has " + v.length + " bytes");
        }
        return v == null ? 0 : ByteBuffer.wrap(v).getLong();
    }

    /**
     * Fails fast unless the calling thread may use this transaction now: a write transaction
     * belongs to one thread at a time (see the package documentation's hand-over protocol).
     */
    private void owned() {
        if (writable && owner.get() != Thread.currentThread()) {
            Thread o = owner.get();
            throw new IllegalStateException("write transaction of " + store.dir() + " used by thread '"
                    + Thread.currentThread().getName() + "' while "
                    + (o == null ? "detached from every thread" : "thread '" + o.getName() + "' owns it"));
        }
    }

    @Override
    public void detach() {
        owned();
        owner.set(null);
    }

    @Override
    public boolean attach() {
        if (!writable) {
            return false;
        }
        Thread me = Thread.currentThread();
        if (owner.get() == me) {
            return false;
        }
        if (!owner.compareAndSet(null, me)) {
            owned(); // names the thread that owns it
        }
        return true;
    }

    /** Before commit: the TID counter and the seal (this LMDB transaction's id, see LmdbStore). */
    void finish() {
        owned();
        if (tidDirty) {
            putMeta(LmdbStore.META_TID, ByteBuffer.allocate(8).putLong(lastTid).array());
        }
        putMeta(LmdbStore.META_SEAL, ByteBuffer.allocate(8).putLong(txn.id()).array());
    }

    /** The LMDB transaction underneath (for making a table in it). */
    Txn txn() {
        return txn;
    }

    /** The id of the LMDB snapshot this transaction reads. */
    long snapshotId() {
        return txn.id();
    }

    private static HammerException damaged(String what) {
        return new DamagedStoreException(what);
    }

    /** A stored record key, refused unless it has exactly the key's size and a known type. */
    static RecordKey recordKey(ByteBuffer kb) {
        if (kb.remaining() != RecordKey.BYTES) {
            throw new CorruptRecordException(null, "stored key of " + kb.remaining() + " bytes");
        }
        int type = Byte.toUnsignedInt(kb.get(kb.position() + 10));
        RecordKey k = RecordKey.readAt(kb, kb.position());
        if (k == null) {
            throw new CorruptRecordException(null, String.format("stored key of unknown type 0x%02x", type));
        }
        return k;
    }

    /** A value's bytes, refused when they reach outside the data file (read, never moved). */
    private ByteBuffer inFile(ByteBuffer v, RecordKey k) {
        if (!store.bounds.contains(v)) {
            throw new CorruptRecordException(k, "value of " + v.remaining() + " bytes reaches past the end of data.mdb");
        }
        return v;
    }

    private Record full(RecordKey k, ByteBuffer v) {
        return withData(k, header(k, v), v);
    }

    /**
     * Data of more bytes than this lies in the blocks table (store format 3), apart from its record:
     * a record's delete TID is then set by writing its 32-byte value anew, where LMDB would copy a
     * value holding the data whole (its pages are never changed in place). Smaller data stays in
     * the record's value, in a leaf page that such a change copies anyway.
     */
    static final int INLINE_MAX = 1024;

    /** The record of value {@code v}, whose header {@code h} was read and checked, with its data checked. */
    private Record withData(RecordKey k, Record.Header h, ByteBuffer v) {
        return h.external() ? Record.withExternalData(k, h, block(k)) : Record.withData(k, h, v);
    }

    /** The data of value {@code v} (header {@code h} read and checked), checked, as a view (nothing copied). */
    private ByteBuffer dataView(RecordKey k, Record.Header h, ByteBuffer v) {
        return h.external() ? Record.externalDataView(k, h, block(k)) : Record.dataView(k, h, v);
    }

    private ByteBuffer blockKey(RecordKey k) {
        return recordKey(blockKey, k);
    }

    /**
     * The blocks table's entry of record {@code k}, whose header says its data lies there. Its
     * bytes are checked by the caller against the record's data CRC, which the record CRC covers;
     * an entry missing, or of a size the table never holds, is damage.
     */
    private ByteBuffer block(RecordKey k) {
        if (store.blocks == null) {
            // format 2: every record holds its data, so a value with none but a CRC of some is damage
            throw new CorruptRecordException(k, "data checksum mismatch");
        }
        ByteBuffer b = store.blocks.get(txn, blockKey(k));
        if (b == null) {
            throw new CorruptRecordException(k, "its data is missing from the blocks table");
        }
        if (b.remaining() <= INLINE_MAX || b.remaining() > Record.MAX_DATA) {
            throw new CorruptRecordException(k, "impossible data size " + b.remaining() + " in the blocks table");
        }
        return inFile(b, k);
    }

    /** A stored record from its key and value as a cursor gives them, both checked (for scrub). */
    Record decode(RecordKey k, ByteBuffer v) {
        return full(k, v);
    }

    private Record.Header header(RecordKey k, ByteBuffer v) {
        if (v.remaining() > Record.VALUE_HEADER + Record.MAX_DATA) {
            throw new CorruptRecordException(k, "impossible value size " + v.remaining());
        }
        return Record.Header.read(k, inFile(v, k), crc);
    }

    static int changeCrc(ByteBuffer key, byte kind) {
        CRC32C c = new CRC32C();
        c.update(key.duplicate());
        c.update(kind);
        return (int) c.getValue();
    }

    static int metaCrc(byte[] name, ByteBuffer payload) {
        CRC32C c = new CRC32C();
        c.update(name);
        c.update(payload.duplicate());
        return (int) c.getValue();
    }

    // ---- reads ----

    @Override
    public long lastTid() {
        owned();
        if (tidError != null) {
            throw tidError;
        }
        return lastTid;
    }

    private ByteBuffer recordKey(ByteBuffer b, RecordKey k) {
        b.clear();
        k.writeTo(b);
        return b.flip();
    }

    /** Checks the entry under a cursor, key and value, against their checksums. */
    private interface Check {
        void check(ByteBuffer key, ByteBuffer value);
    }

    /** The key and checked header of the record entry {@link #recordCheck} last checked. */
    private RecordKey checkedKey;
    private Record.Header checkedHeader;
    private final Check recordCheck = (k, v) -> {
        RecordKey rk = recordKey(k);
        checkedHeader = header(rk, v);
        checkedKey = rk;
    };
    /** Cursors kept for point lookups (never nested). Closed by {@link #close}. */
    private Cursor recordLookups;
    private Cursor metaLookups;
    /** Record cursors that scans have finished with, for the next scan (scans may nest). */
    private final java.util.ArrayDeque<Cursor> idleScans = new java.util.ArrayDeque<>(4);
    /** {@link #maxObj} of {@link #maxObjPfs} as this transaction has it, or -1 when not known. */
    private int maxObjPfs = -1;
    private long maxObjValue;

    private Cursor scanCursor() {
        Cursor c = idleScans.poll();
        return c != null ? c : store.records.openCursor(txn);
    }

    private void scanDone(Cursor c) {
        idleScans.push(c);
    }

    private Cursor recordLookups() {
        if (recordLookups == null) {
            recordLookups = store.records.openCursor(txn);
        }
        return recordLookups;
    }

    private Cursor metaLookups() {
        if (metaLookups == null) {
            metaLookups = store.meta.openCursor(txn);
        }
        return metaLookups;
    }

    /** Closes the lookup cursors; before the transaction ends (LMDB frees a write transaction's). */
    void close() {
        for (Cursor c; (c = idleScans.poll()) != null; ) {
            c.close();
        }
        if (recordLookups != null) {
            recordLookups.close();
            recordLookups = null;
        }
        if (metaLookups != null) {
            metaLookups.close();
            metaLookups = null;
        }
    }
    private final Check metaCheck = (k, v) -> metaValue(metaName(k), v);

    /** The free pages of the snapshot this transaction's checks walk, once read. */
    private long[] free;

    private long[] free() {
        if (free == null) {
            free = store.freePages(txn);
        }
        return free;
    }

    /** The committed roots of records, changes and meta as this transaction reads them, once looked up. */
    private final Pages.Root[] roots = new Pages.Root[3];
    private final boolean[] rootsRead = new boolean[3];
    /** Per table, the leaf page whose path was last checked (a scan checks each leaf once). */
    private final long[] checkedLeaf = {-1, -1, -1};

    private int tableIndex(Dbi table) {
        return table == store.records ? 0 : table == store.changes ? 1 : 2;
    }

    /** The size of every key of {@code table}, or 0 when they vary. */
    private int keySize(Dbi table) {
        return table == store.records ? RecordKey.BYTES : table == store.changes ? CHANGE_KEY : 0;
    }

    /**
     * Holds the path LMDB's search for the key in {@code k} (a direct buffer, position to limit)
     * takes to the keys of the branch pages on it ({@link Pages}). {@code onLeaf}: {@code k} is an
     * entry's key as a cursor gave it, and the search must end on the page it lies on; a key in a
     * write transaction's own page (not in the map) is not checked, nor a leaf already checked.
     * Only the committed snapshot's pages are walked, so in a write transaction this checks the
     * pages it started from, and not against the free list (see below).
     */
    private void checkPath(Dbi table, ByteBuffer k, boolean onLeaf) {
        MapBounds bounds = store.bounds;
        if (!checkNeighbours || bounds.base() == 0) {
            return;
        }
        int t = tableIndex(table);
        long address = Posix.address(k) + k.position();
        long leaf = -1;
        if (onLeaf) {
            leaf = bounds.pageOf(address, store.pageSize);
            if (leaf < 0 || leaf == checkedLeaf[t]) {
                return;
            }
        }
        if (!rootsRead[t]) {
            roots[t] = Pages.root(txn, table);
            rootsRead[t] = true;
        }
        Pages.Root root = roots[t];
        if (root == null || root.empty()) {
            return;
        }
        int pageSize = (int) store.pageSize;
        ByteBuffer path = scratch.path;
        int size = keySize(table);
        int result = Pages.check(bounds.base(), bounds.length(), pageSize, root, address, k.remaining(), leaf, size, path);
        if (result == Pages.BEYOND) {
            result = Pages.check(bounds.base(), bounds.refresh(), pageSize, root, address, k.remaining(), leaf, size,
                    path);
        }
        if (result == Pages.BEYOND) {
            throw damaged(table.name() + ": a branch page points past the end of data.mdb");
        }
        if (result != Pages.OK) {
            throw damaged(table.name() + ": " + Pages.describe(result));
        }
        // A page on the free list is no page of this snapshot: an older copy of one, whose keys lie
        // in the right range but whose entries are out of date. Read transactions only: the free
        // list is read once per snapshot, and a writer makes a new one at every commit, while a
        // stalled reader can hold the list at hundreds of thousands of pages (REPORT.md §4's case).
        if (!writable) {
            long[] free = free();
            long pages = path.getLong(0);
            for (int i = 1; i <= pages; i++) {
                if (Pages.isFree(free, path.getLong(i * Long.BYTES))) {
                    throw damaged(table.name() + ": " + Pages.describe(Pages.FREE));
                }
            }
        }
        if (onLeaf) {
            checkedLeaf[t] = leaf;
        }
    }

    /**
     * Moves {@code c} to the first entry whose key is at least {@code probe}, returning whether
     * there is one. LMDB checksums nothing and searches by binary search, so a key changed by
     * damage would be stepped over in silence: the entries on both sides of the position found are
     * checked against their checksums and must lie in order around the probe.
     */
    private boolean seek(Cursor c, Dbi dbi, ByteBuffer probe, Check check, String table) {
        if (!checkNeighbours) {
            return probe.hasRemaining() ? c.seekRange(probe) : c.first();
        }
        if (!probe.hasRemaining()) {
            boolean any = c.first();
            if (any) {
                check.check(c.key(), c.val());
                checkPath(dbi, c.key(), true);
            }
            return any;
        }
        boolean found = c.seekRange(probe);
        if (found) {
            check.check(c.key(), c.val());
            int order = compare(c.key(), probe);
            if (order < 0) {
                throw damaged(table + ": a search landed before the key it looked for (keys out of order)");
            }
            // Landing on the very key searched for steps over nothing; otherwise the entry before
            // must be checked, for a key that damage moved would lie there, and the path of the
            // search, for a leaf that damage cut off would lie below it.
            checkPath(dbi, c.key(), true);
            if (order > 0) {
                checkPath(dbi, probe, false);
                if (c.prev()) {
                    check.check(c.key(), c.val());
                    if (compare(c.key(), probe) >= 0) {
                        throw damaged(table + ": a search stepped over a key (keys out of order)");
                    }
                    checkPath(dbi, c.key(), true);
                    if (!c.next()) {
                        throw damaged(table + ": the cursor lost its place");
                    }
                }
            }
        } else {
            checkPath(dbi, probe, false);
            if (c.last()) {
                check.check(c.key(), c.val());
                if (compare(c.key(), probe) >= 0) {
                    throw damaged(table + ": a search found no key at or after one that exists (keys out of order)");
                }
                checkPath(dbi, c.key(), true);
            }
        }
        return found;
    }

    /**
     * Moves {@code c} to the last record entry whose key is at most {@code probe}, returning whether
     * there is one; {@link #checkedKey} and {@link #checkedHeader} are then that entry's. As for
     * {@link #seek}, the entries on both sides of the position are checked and must lie in order
     * around the probe (the one after it only when searches check neighbours).
     */
    private boolean seekFloor(Cursor c, ByteBuffer probe) {
        if (c.seekRange(probe)) {
            int order = compare(c.key(), probe);
            if (order == 0) {
                recordCheck.check(c.key(), value(c));
                checkPath(store.records, c.key(), true);
                return true;
            }
            if (checkNeighbours) {
                recordCheck.check(c.key(), value(c));
                if (order < 0) {
                    throw damaged("records: a search landed before the key it looked for (keys out of order)");
                }
                checkPath(store.records, c.key(), true);
            }
            checkPath(store.records, probe, false);
            if (!c.prev()) {
                return false;
            }
        } else {
            checkPath(store.records, probe, false);
            if (!c.last()) {
                return false;
            }
        }
        recordCheck.check(c.key(), value(c));
        if (checkNeighbours && compare(c.key(), probe) >= 0) {
            throw damaged("records: a search stepped over a key (keys out of order)");
        }
        checkPath(store.records, c.key(), true);
        return true;
    }

    /**
     * Steps to the next entry, which must have a greater key than {@code last} (updated) and, on
     * a new leaf page, be where a search for it leads.
     */
    private boolean next(Cursor c, Dbi dbi, KeyOrder last, String table) {
        if (!c.next()) {
            return false;
        }
        last.advance(c.key(), table);
        checkPath(dbi, c.key(), true);
        return true;
    }

    /** The previous key of a walk, to check that keys only increase. */
    private static final class KeyOrder {
        private final ByteBuffer last = ByteBuffer.allocate(MAX_KEY);

        KeyOrder(ByteBuffer first) {
            remember(first);
        }

        void advance(ByteBuffer k, String table) {
            if (compare(k, last) <= 0) {
                throw damaged(table + ": keys out of order");
            }
            remember(k);
        }

        private void remember(ByteBuffer k) {
            ByteBuffer d = k.duplicate();
            d.limit(d.position() + Math.min(d.remaining(), MAX_KEY));
            last.clear();
            last.put(d).flip();
        }
    }

    private ByteBuffer probe(RecordKey k) {
        return recordKey(key, k);
    }

    private static boolean keyEquals(ByteBuffer a, ByteBuffer b) {
        return a.remaining() == b.remaining() && a.mismatch(b) == -1;
    }

    @Override
    public Record get(RecordKey k) {
        owned();
        return exact(k, this::withData);
    }

    @Override
    public Record.Header head(RecordKey k) {
        owned();
        return exact(k, (key, h, v) -> h);
    }

    @Override
    public Stored stored(RecordKey k) {
        owned();
        return exact(k, (key, h, v) -> new Stored(key, h, dataView(key, h, v)));
    }

    /** The record stored under exactly {@code k}, decoded by {@code decode}, or null. */
    private <T> T exact(RecordKey k, Decoder<T> decode) {
        Cursor c = recordLookups();
        ByteBuffer probe = probe(k);
        if (!c.seekRange(probe)) {
            checkPath(store.records, probe, false);
            if (checkNeighbours && c.last()) {
                recordCheck.check(c.key(), c.val());
                if (compare(c.key(), probe) >= 0) {
                    throw damaged("records: a search found no key at or after one that exists (keys out of order)");
                }
                checkPath(store.records, c.key(), true);
            }
            return null;
        }
        int order = compare(c.key(), probe);
        if (order == 0) {
            recordCheck.check(c.key(), c.val());
            checkPath(store.records, c.key(), true);
            return decode.apply(k, checkedHeader, c.val());
        }
        // Not there: the entries on both sides of where it would be are checked, as by seek (the
        // cursor is left where it is, on the one before).
        if (checkNeighbours) {
            recordCheck.check(c.key(), c.val());
            if (order < 0) {
                throw damaged("records: a search landed before the key it looked for (keys out of order)");
            }
            checkPath(store.records, c.key(), true);
            checkPath(store.records, probe, false);
            if (c.prev()) {
                recordCheck.check(c.key(), c.val());
                if (compare(c.key(), probe) >= 0) {
                    throw damaged("records: a search stepped over a key (keys out of order)");
                }
                checkPath(store.records, c.key(), true);
            }
        }
        return null;
    }

    /** Decodes a record entry whose header was read and checked. */
    private interface Decoder<T> {
        T apply(RecordKey key, Record.Header header, ByteBuffer value);
    }

    @Override
    public Record visible(int pfs, long obj, RecordType type, long k, long asOf) {
        Cursor c = visibleAt(pfs, obj, type, k, asOf);
        return c == null ? null : withData(checkedKey, checkedHeader, inFile(c.val(), checkedKey));
    }

    @Override
    public Stored visibleStored(int pfs, long obj, RecordType type, long k, long asOf) {
        Cursor c = visibleAt(pfs, obj, type, k, asOf);
        if (c == null) {
            return null;
        }
        RecordKey at = checkedKey;
        Record.Header h = checkedHeader;
        if (h.external()) {
            ByteBuffer b = block(at);
            return new Stored(at, h, Record.externalDataView(at, h, cold == null ? b : cold.value(store, readSnapshot, b)));
        }
        return new Stored(at, h, Record.dataView(at, h, inFile(value(c), at)));
    }

    @Override
    public Stored visibleStoredData(int pfs, long obj, RecordType type, long k, long asOf) {
        if (writable || !ColdValues.ON) {
            return visibleStored(pfs, obj, type, k, asOf);
        }
        cold = ColdValues.get();
        try {
            return visibleStored(pfs, obj, type, k, asOf);
        } finally {
            cold = null;
        }
    }

    @Override
    public void dataCopied() {
        if (!writable && ColdValues.ON) {
            ColdValues.get().letGo();
        }
    }

    /**
     * The value under {@code c}: through the map, or while a file's data is read, past the page
     * cache when it is large and not cached ({@link ColdValues}).
     */
    private ByteBuffer value(Cursor c) {
        ByteBuffer v = c.val();
        return cold == null ? v : cold.value(store, readSnapshot, v);
    }

    /** Values this far apart in the map are asked for in one piece ahead of a reader: the disk reads the gap with them. */
    private static final long AHEAD_GAP = 256 << 10;

    @Override
    public void readAhead(int pfs, long obj, RecordType type, long from, long to, long asOf) {
        owned();
        long base = store.bounds.base();
        if (writable || base == 0) {
            return;
        }
        long length = store.bounds.length();
        ByteBuffer end = ByteBuffer.wrap(new RecordKey(pfs, obj, type, to, 0).toBytes());
        // Large data lies in the blocks table (format 3), under its record's key; in a format 2
        // store, in the records' own values.
        Cursor c = store.blocks != null ? store.blocks.openCursor(txn) : scanCursor();
        // When the blocks are read past the page cache (DirectAhead), the walk faults in the
        // leaves alone: a leaf's read-around would bring the blocks beside it into the page cache.
        boolean direct = store.directAhead.on();
        if (direct) {
            store.headerWalkStarted();
        }
        try {
            // Keys are (pfs, obj, type, key, create TID): the newest version of a key created by
            // asOf is the last one before the next key. Only the keys and where their values lie
            // are read: a large value's address needs no read of its pages.
            boolean more = c.seekRange(probe(new RecordKey(pfs, obj, type, from, 0)));
            long key = 0;
            long at = -1;
            long size = 0;
            long runFrom = -1;
            long runTo = -1;
            while (true) {
                ByteBuffer kb = more ? c.key() : null;
                boolean inRange = kb != null && kb.remaining() == RecordKey.BYTES && compare(kb, end) < 0;
                long k = inRange ? RecordKey.keyAt(kb, kb.position()) : 0;
                if (at >= 0 && (!inRange || k != key)) {
                    // the last version of the previous key: ask for it, with the run it extends
                    long pageFrom = at & -4096L;
                    if (runFrom >= 0 && pageFrom >= runFrom && pageFrom <= runTo + AHEAD_GAP) {
                        runTo = Math.max(runTo, at + size);
                    } else {
                        askAhead(runFrom, runTo);
                        runFrom = pageFrom;
                        runTo = at + size;
                    }
                    at = -1;
                }
                if (!inRange) {
                    break;
                }
                key = k;
                if (Long.compareUnsigned(RecordKey.createTidAt(kb, kb.position()), asOf) <= 0) {
                    ByteBuffer v = c.val();
                    long a = Posix.address(v) + v.position();
                    size = v.remaining();
                    at = size >= ColdValues.MIN && a >= base && a + size <= base + length ? a : -1;
                }
                more = c.next();
            }
            askAhead(runFrom, runTo);
            if (direct && store.blocks != null) {
                touchRecords(end, new RecordKey(pfs, obj, type, from, 0));
            }
        } finally {
            if (direct) {
                store.headerWalkEnded();
            }
            if (store.blocks != null) {
                c.close();
            } else {
                scanDone(c);
            }
        }
    }

    /**
     * Faults in, a page each while the map has no read-around, the leaves of the records that the
     * reads after a read-ahead look up (store format 3, where they are apart from the blocks). A
     * leaf faulted by a lookup would read the disk's read-around (8 MiB on some) into the page
     * cache, and in a store written through a mount the blocks lie beside the leaves: a sequential
     * reader would then read its file twice, through the page cache and past it.
     */
    private void touchRecords(ByteBuffer end, RecordKey from) {
        Cursor c = scanCursor();
        try {
            for (boolean more = c.seekRange(probe(from)); more; more = c.next()) {
                ByteBuffer kb = c.key();
                if (kb.remaining() != RecordKey.BYTES || compare(kb, end) >= 0) {
                    break;
                }
            }
        } finally {
            scanDone(c);
        }
    }

    private void askAhead(long from, long to) {
        if (from < 0 || to <= from) {
            return;
        }
        long base = store.bounds.base();
        long taken = base + store.directAhead.ask(readSnapshot, from - base, to - base);
        if (taken >= to || Env.adviseWillNeed(taken, to - taken) == 0) {
            store.askedAhead(from, to);
        }
    }

    /** The lookup cursor on the version visible as of {@code asOf} ({@link #checkedKey}, {@link #checkedHeader}), or null. */
    private Cursor visibleAt(int pfs, long obj, RecordType type, long k, long asOf) {
        owned();
        Cursor c = recordLookups();
        if (!seekFloor(c, probe(new RecordKey(pfs, obj, type, k, asOf)))) {
            return null;
        }
        RecordKey at = checkedKey;
        Record.Header h = checkedHeader;
        if (at.pfs() != pfs || at.obj() != obj || at.type() != type || at.key() != k
                || !org.hammer.core.tid.Tid.visible(at.createTid(), h.deleteTid(), asOf)) {
            return null;
        }
        return c;
    }

    @Override
    public void scan(RecordKey from, RecordKey toExclusive, boolean withData, Predicate<Record> visitor) {
        owned();
        ByteBuffer to = ByteBuffer.wrap(toExclusive.toBytes());
        Cursor c = scanCursor();
        HeadersAhead ahead = null;
        int seen = 0;
        try {
            boolean ok = seek(c, store.records, probe(from), recordCheck, "records");
            KeyOrder order = ok ? new KeyOrder(c.key()) : null;
            while (ok) {
                ByteBuffer kb = c.key();
                RecordKey k = recordKey(kb);
                Record r;
                if (withData) {
                    r = full(k, c.val());
                } else {
                    if (++seen == HeadersAhead.AFTER && !writable && store.bounds.base() != 0) {
                        // In format 3 a header lies in its leaf: only the leaves are faulted in,
                        // and a second cursor would walk them twice.
                        ahead = new HeadersAhead(store.blocks == null ? scanCursor() : null, kb, to);
                        store.headerWalkStarted();
                        ahead.started = true;
                    }
                    Record.Header h;
                    if (ahead != null) {
                        ahead.step();
                        h = headerRead(k, c.val());
                    } else {
                        h = header(k, c.val());
                    }
                    r = new Record(k, h.deleteTid(), h.createTs(), h.deleteTs(), null);
                }
                if (compare(kb, to) >= 0 || !visitor.test(r)) {
                    return;
                }
                ok = next(c, store.records, order, "records");
            }
        } finally {
            scanDone(c);
            if (ahead != null) {
                if (ahead.cursor != null) {
                    scanDone(ahead.cursor);
                }
                if (ahead.started) {
                    store.headerWalkEnded();
                }
            }
        }
    }

    /**
     * A long header-only walk (a file's blocks, counted for st_blocks) reads ahead of itself. Each
     * large value's header is the first bytes of LMDB's overflow run, beside its data; read through
     * the map, each is a fault, and each fault on a page not cached reads the disk's read-around
     * with it: a walk over a file's blocks read the whole file into the page cache. Here a second
     * cursor walks the keys ahead (a value's address needs no read of it) and asks for each
     * header's page alone, a batch at a time, so that the disk reads them together and nothing
     * around them; the walk reads each header from the file ({@link #headerRead}) and checks it as
     * always, and the map has no read-around meanwhile ({@link LmdbStore#headerWalkStarted}).
     */
    private static final class HeadersAhead {
        /** Entries a walk reads before it reads ahead: a small file's few blocks go as before. */
        static final int AFTER = 32;
        private static final int BATCH = 256;

        final Cursor cursor;
        /** Whether the store was told of this walk ({@link LmdbStore#headerWalkStarted}): it must be told of its end. */
        boolean started;
        private final ByteBuffer to;
        private final long[] pages = new long[BATCH];
        private boolean done;
        /** Entries asked for ahead of the walk's position. */
        private int lead;

        /** {@code cursor} null: nothing to ask for, the walk only has the map's read-around off. */
        HeadersAhead(Cursor cursor, ByteBuffer at, ByteBuffer to) {
            this.cursor = cursor;
            this.to = to;
            done = cursor == null || !cursor.seekRange(at);
        }

        /** The walk is at its next entry: asks for another batch once less than half of one is ahead. */
        void step() {
            lead--;
            if (done || lead > BATCH / 2) {
                return;
            }
            int n = 0;
            int moved = 0;
            while (moved < BATCH) {
                if (!cursor.next() || compare(cursor.key(), to) >= 0) {
                    done = true;
                    break;
                }
                moved++;
                ByteBuffer v = cursor.val();
                if (v.remaining() >= HEADER_FROM_FILE) {
                    pages[n++] = Posix.address(v) + v.position();
                }
            }
            lead += moved;
            Env.willNeed(pages, n);
        }
    }

    /** Values this large lie in overflow pages of their own; smaller ones in the leaf the walk has read. */
    private static final int HEADER_FROM_FILE = 2048;
    /** {@link #headerRead}'s buffer. */
    private ByteBuffer headerBytes;

    /**
     * The checked header of value {@code v}, read from the data file by {@code pread} where it is
     * large ({@link HeadersAhead}): the same bytes as through the map (a read transaction's pages
     * are the file's) with no fault on the map. The same checks as {@link #header}; a value whose
     * header the file does not give is read through the map, whose checks say what is wrong.
     */
    private Record.Header headerRead(RecordKey k, ByteBuffer v) {
        int size = v.remaining();
        if (size < HEADER_FROM_FILE || size > Record.VALUE_HEADER + Record.MAX_DATA) {
            return header(k, v);
        }
        inFile(v, k);
        if (headerBytes == null) {
            headerBytes = ByteBuffer.allocateDirect(Record.VALUE_HEADER);
        }
        long off = Posix.address(v) + v.position() - store.bounds.base();
        if (store.env().readCached(off, Record.VALUE_HEADER, headerBytes) != Record.VALUE_HEADER) {
            return header(k, v);
        }
        return Record.Header.read(k, headerBytes.clear(), size, crc);
    }

    /** Unsigned lexicographic order of the remaining bytes, LMDB's order for these tables. */
    static int compare(ByteBuffer a, ByteBuffer b) {
        int i = a.mismatch(b);
        if (i < 0) {
            return 0;
        }
        if (i >= a.remaining() || i >= b.remaining()) {
            return Integer.compare(a.remaining(), b.remaining());
        }
        return Integer.compare(a.get(a.position() + i) & 0xff, b.get(b.position() + i) & 0xff);
    }

    @Override
    public void scanChanges(int pfs, long afterTid, RecordKey afterKey, long toTid,
            BiPredicate<Long, RecordKey> visitor) {
        owned();
        ByteBuffer seek = key;
        seek.clear();
        seek.putShort((short) pfs);
        if (afterKey == null) {
            if (afterTid == -1L) {
                return;
            }
            seek.putLong(afterTid + 1);
        } else {
            seek.putLong(afterTid);
            afterKey.writeTo(seek);
        }
        seek.flip();
        ByteBuffer afterBytes = null;
        if (afterKey != null) {
            afterBytes = ByteBuffer.wrap(copyOf(seek));
        }
        try (Cursor c = store.changes.openCursor(txn)) {
            boolean ok = seek(c, store.changes, seek, LmdbTxn::checkChange, "change index");
            KeyOrder order = ok ? new KeyOrder(c.key()) : null;
            while (ok) {
                ByteBuffer kb = c.key().duplicate();
                checkChange(kb, c.val());
                if (afterBytes != null && compare(kb, afterBytes) == 0) {
                    ok = next(c, store.changes, order, "change index");
                    continue;
                }
                int p = Short.toUnsignedInt(kb.getShort());
                long t = kb.getLong();
                if (p != pfs || Long.compareUnsigned(t, toTid) > 0) {
                    return;
                }
                RecordKey k = recordKey(kb);
                if (!visitor.test(t, k)) {
                    return;
                }
                ok = next(c, store.changes, order, "change index");
            }
        }
    }

    /** Refuses a change-index entry whose key or value does not match its CRC. */
    static void checkChange(ByteBuffer kb, ByteBuffer v) {
        if (kb.remaining() != CHANGE_KEY) {
            throw damaged("change index entry with a key of " + kb.remaining() + " bytes");
        }
        if (v.remaining() != CHANGE_VALUE) {
            throw damaged("change index entry with a value of " + v.remaining() + " bytes");
        }
        byte kind = v.get(v.position());
        if ((kind != CHANGE_CREATE && kind != CHANGE_DELETE) || v.getInt(v.position() + 1) != changeCrc(kb, kind)) {
            ByteBuffer d = kb.duplicate();
            int p = Short.toUnsignedInt(d.getShort());
            long t = d.getLong();
            throw damaged(String.format("change index entry of PFS %05d at %s: checksum mismatch", p,
                    org.hammer.core.tid.Tid.format(t)));
        }
    }

    @Override
    public int format() {
        return store.header().formatVersion();
    }

    @Override
    public long maxObj(int pfs) {
        owned();
        if (pfs == maxObjPfs) {
            return maxObjValue;
        }
        Cursor c = recordLookups();
        boolean found;
        if (pfs == 0xFFFF) {
            found = c.last();
            if (found) {
                recordCheck.check(c.key(), c.val());
                checkPath(store.records, c.key(), true);
            }
        } else {
            key2.clear();
            key2.putShort((short) (pfs + 1)).flip();
            found = seekFloor(c, key2);
        }
        long max = found && checkedKey.pfs() == pfs ? checkedKey.obj() : 0;
        if (writable) {
            // Kept up to date by insert and destroy for the rest of the transaction.
            maxObjPfs = pfs;
            maxObjValue = max;
        }
        return max;
    }

    @Override
    public boolean hasRecords(int pfs) {
        owned();
        try (Cursor c = store.records.openCursor(txn)) {
            key2.clear();
            key2.putShort((short) pfs).flip();
            if (!seek(c, store.records, key2, recordCheck, "records")) {
                return false;
            }
            return recordKey(c.key()).pfs() == pfs;
        }
    }

    @Override
    public byte[] meta(String name) {
        owned();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        key.clear();
        key.put(nameBytes).flip();
        Cursor c = metaLookups();
        if (!seek(c, store.meta, key, metaCheck, "meta") || !keyEquals(c.key(), key)) {
            return null;
        }
        return metaValue(nameBytes, c.val());
    }

    private static byte[] metaName(ByteBuffer k) {
        if (k.remaining() > MAX_KEY) {
            throw damaged("meta key of " + k.remaining() + " bytes");
        }
        return copyOf(k);
    }

    /** A meta entry's payload, after checking the CRC that follows it over its name and payload. */
    private byte[] metaValue(byte[] name, ByteBuffer v) {
        String what = "meta entry '" + new String(name, StandardCharsets.UTF_8) + "'";
        if (v.remaining() < 4 || v.remaining() > 4 + Record.MAX_DATA || !store.bounds.contains(v)) {
            throw damaged(what + " of impossible size " + v.remaining());
        }
        ByteBuffer payload = v.duplicate();
        payload.limit(payload.limit() - 4);
        if (metaCrc(name, payload) != v.getInt(v.limit() - 4)) {
            throw damaged(what + ": checksum mismatch");
        }
        return copyOf(payload);
    }

    @Override
    public void scanMeta(String prefix, BiPredicate<String, byte[]> visitor) {
        owned();
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        ByteBuffer seek = key;
        seek.clear();
        seek.put(p).flip();
        try (Cursor c = store.meta.openCursor(txn)) {
            boolean ok = seek(c, store.meta, seek, metaCheck, "meta");
            KeyOrder order = ok ? new KeyOrder(c.key()) : null;
            while (ok) {
                byte[] k = metaName(c.key());
                byte[] v = metaValue(k, c.val());
                if (k.length < p.length || !Arrays.equals(k, 0, p.length, p, 0, p.length)) {
                    return;
                }
                if (!visitor.test(new String(k, StandardCharsets.UTF_8), v)) {
                    return;
                }
                ok = next(c, store.meta, order, "meta");
            }
        }
    }

    // ---- writes ----

    private void checkWritable() {
        if (!writable) {
            throw new IllegalStateException("read-only transaction");
        }
    }

    @Override
    public long tid() {
        owned();
        if (tid == 0) {
            throw new IllegalStateException("this transaction lays down received records and has no TID of its own");
        }
        return tid;
    }

    @Override
    public long nowMicros() {
        owned();
        return now;
    }

    @Override
    public void insert(Record r) {
        owned();
        insert(r, r.dataCrc());
    }

    @Override
    public void insert(Record r, int dataCrc) {
        owned();
        insert(r.key(), r.deleteTid(), r.createTs(), r.deleteTs(), dataCrc, ByteBuffer.wrap(r.data()));
    }

    @Override
    public void insert(RecordKey k, long deleteTid, long createTs, long deleteTs, int dataCrc, ByteBuffer data) {
        owned();
        put(k, deleteTid, createTs, deleteTs, dataCrc, data, true);
    }

    @Override
    public void insertAbsent(RecordKey k, long deleteTid, long createTs, long deleteTs, int dataCrc,
            ByteBuffer data) {
        owned();
        put(k, deleteTid, createTs, deleteTs, dataCrc, data, false);
    }

    /** Writes a record; {@code replacing}: one with this key may be there (its change entry then moves). */
    private void put(RecordKey k, long deleteTid, long createTs, long deleteTs, int dataCrc, ByteBuffer data,
            boolean replacing) {
        checkWritable();
        if (deleteTid != 0 && deleteTid == k.createTid()) {
            throw new IllegalArgumentException("delete TID equals create TID " + org.hammer.core.tid.Tid.format(deleteTid));
        }
        int size = data.remaining();
        if (size > Record.MAX_DATA) {
            throw new IllegalArgumentException("record data of " + size + " bytes");
        }
        // Only the replaced record's delete TID matters here: read it without copying the data.
        ByteBuffer old = replacing ? store.records.get(txn, recordKey(key, k)) : null;
        if (replacing) {
            checkPath(store.records, key, false);
        }
        Record.Header oldHeader = old == null ? null : header(k, old);
        long oldDelete = oldHeader == null ? 0 : oldHeader.deleteTid();
        if (oldDelete != 0 && oldDelete != deleteTid) {
            change(k, oldDelete, false);
        }
        // The data is written in place, into the page LMDB reserves for it: one copy of it. Data
        // whose CRC is 0 stays in the value, where a header without data means no data.
        if (store.blocks != null && size > INLINE_MAX && dataCrc != 0) {
            store.blocks.reserve(txn, blockKey(k), size).put(data.duplicate());
            ByteBuffer v = store.records.reserve(txn, recordKey(key, k), Record.VALUE_HEADER);
            Record.writeHeader(v, k, deleteTid, createTs, deleteTs, dataCrc);
        } else {
            if (oldHeader != null && oldHeader.external()) {
                store.blocks.delete(txn, blockKey(k));
            }
            ByteBuffer v = store.records.reserve(txn, recordKey(key, k), Record.VALUE_HEADER + size);
            Record.writeHeader(v, k, deleteTid, createTs, deleteTs, dataCrc);
            v.put(data.duplicate());
        }
        if (k.pfs() == maxObjPfs && Long.compareUnsigned(k.obj(), maxObjValue) > 0) {
            maxObjValue = k.obj();
        }
        change(k, k.createTid(), true);
        if (deleteTid != 0) {
            change(k, deleteTid, true);
        }
    }

    @Override
    public void setDelete(RecordKey k, long deleteTid, long deleteTs) {
        owned();
        checkWritable();
        ByteBuffer stored = store.records.get(txn, recordKey(key, k));
        checkPath(store.records, key, false);
        if (stored == null) {
            throw new IllegalStateException("no record " + k);
        }
        ByteBuffer old = stored.duplicate();
        Record.Header h = header(k, old);
        if (h.deleteTid() == deleteTid) {
            return;
        }
        if (h.deleteTid() != 0) {
            change(k, h.deleteTid(), false);
        }
        // The data and its CRC are carried over as stored (a block in the blocks table is not
        // touched: the value is its header alone); the record CRC is computed anew.
        ByteBuffer data = old.duplicate().position(old.position() + Record.VALUE_HEADER);
        ByteBuffer val = scratch.value(Record.VALUE_HEADER + data.remaining());
        Record.writeHeader(val, k, deleteTid, h.createTs(), deleteTid == 0 ? 0 : deleteTs, h.dataCrc());
        val.put(data).flip();
        store.records.put(txn, recordKey(key, k), val);
        if (deleteTid != 0) {
            change(k, deleteTid, true);
        }
    }

    /** What one {@link #moveDataOut} did: records and bytes of data moved, and the key to go on from (null: none). */
    record Moved(long records, long bytes, byte[] next) {
    }

    /**
     * One step of upgrading a store to format 3 ({@link LmdbStore#upgradeFormat}): the data of
     * each record from key {@code from} on (null: the first) that {@link #put} would now lay down
     * apart from its record (more than {@link #INLINE_MAX} bytes, a CRC other than 0) moves into
     * the blocks table. Every record looked at has its header checked, and data to be moved its
     * data CRC, before anything moves; the header is written back as it was (the record CRC does
     * not cover the data's length), so readers, the change index and mirrors see the same record
     * in either layout. Stops after about {@code maxBytes} of data, saying where to go on.
     */
    Moved moveDataOut(byte[] from, long maxBytes) {
        owned();
        checkWritable();
        if (store.blocks == null) {
            throw new IllegalStateException(store.dir() + ": no blocks table to move data into");
        }
        List<byte[]> moving = new ArrayList<>();
        long bytes = 0;
        byte[] next = null;
        try (Cursor c = store.records.openCursor(txn)) {
            boolean ok;
            if (from == null) {
                ok = c.first();
            } else {
                key.clear();
                ok = c.seekRange(key.put(from).flip());
            }
            for (; ok; ok = c.next()) {
                ByteBuffer kb = c.key();
                if (bytes >= maxBytes) {
                    next = copyOf(kb);
                    break;
                }
                RecordKey k = recordKey(kb);
                ByteBuffer v = c.val();
                Record.Header h = header(k, v);
                if (!h.external() && h.dataLength() > INLINE_MAX && h.dataCrc() != 0) {
                    Record.dataView(k, h, v); // its data CRC checked
                    moving.add(copyOf(kb));
                    bytes += h.dataLength();
                }
            }
        }
        for (byte[] kb : moving) {
            RecordKey k = recordKey(ByteBuffer.wrap(kb));
            ByteBuffer v = store.records.get(txn, recordKey(key, k));
            Record.Header h = header(k, v);
            // The old value's pages are freed only as it is replaced, after its data is copied.
            ByteBuffer data = v.duplicate().position(v.position() + Record.VALUE_HEADER);
            store.blocks.reserve(txn, blockKey(k), h.dataLength()).put(data);
            ByteBuffer nv = store.records.reserve(txn, recordKey(key, k), Record.VALUE_HEADER);
            Record.writeHeader(nv, k, h.deleteTid(), h.createTs(), h.deleteTs(), h.dataCrc());
        }
        return new Moved(moving.size(), bytes, next);
    }

    /** The remaining bytes of {@code b}, its position left where it was. */
    private static byte[] copyOf(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    @Override
    public void destroy(RecordKey k) {
        owned();
        checkWritable();
        ByteBuffer v = store.records.get(txn, recordKey(key, k));
        checkPath(store.records, key, false);
        if (v == null) {
            return;
        }
        Record.Header h = header(k, v);
        long delete = h.deleteTid();
        if (h.external() && (store.blocks == null || !store.blocks.delete(txn, blockKey(k)))) {
            throw new CorruptRecordException(k, "its data is missing from the blocks table");
        }
        store.records.delete(txn, recordKey(key, k));
        if (k.pfs() == maxObjPfs && Long.compareUnsigned(k.obj(), maxObjValue) >= 0) {
            maxObjPfs = -1; // perhaps the last record of the largest object: search again
        }
        change(k, k.createTid(), false);
        if (delete != 0) {
            change(k, delete, false);
        }
    }

    private void change(RecordKey k, long atTid, boolean add) {
        key2.clear();
        key2.putShort((short) k.pfs()).putLong(atTid);
        k.writeTo(key2);
        key2.flip();
        if (add) {
            byte kind = atTid == k.createTid() ? CHANGE_CREATE : CHANGE_DELETE;
            one.clear();
            one.put(kind).putInt(changeCrc(key2, kind)).flip();
            store.changes.put(txn, key2, one);
        } else {
            store.changes.delete(txn, key2);
        }
    }

    @Override
    public void putMeta(String name, byte[] value) {
        owned();
        checkWritable();
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        key.clear();
        key.put(nameBytes).flip();
        ByteBuffer v = scratch.value(value.length + 4);
        v.put(value).flip();
        int crc = metaCrc(nameBytes, v);
        v.limit(value.length + 4);
        v.putInt(value.length, crc);
        store.meta.put(txn, key, v);
    }

    @Override
    public void deleteMeta(String name) {
        owned();
        checkWritable();
        key.clear();
        key.put(name.getBytes(StandardCharsets.UTF_8)).flip();
        store.meta.delete(txn, key);
    }

    @Override
    public void raiseTid(long t) {
        owned();
        checkWritable();
        if (Long.compareUnsigned(t, lastTid) > 0) {
            lastTid = t;
            tidDirty = true;
        }
    }
}
