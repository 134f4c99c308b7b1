package org.hammer.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;
import org.hammer.core.lmdb.Dbi;
import org.hammer.core.lmdb.Env;
import org.hammer.core.lmdb.LmdbException;
import org.hammer.core.lmdb.Pages;
import org.hammer.core.lmdb.Txn;

/**
 * The LMDB environment behind a {@link Store}: DBIs {@code records}, {@code changes},
 * {@code meta} and, from store format 3, {@code blocks} (FORMAT.md). Opening checks the data file first ({@link MetaPages}) and then the
 * seal: every write transaction stores its own LMDB transaction id under {@value #META_SEAL}, so a
 * snapshot whose id differs from its seal is a meta page that points at another commit's tree.
 */
final class LmdbStore implements Store {

    static final String META_TID = "tid";
    static final String META_SEAL = "seal";
    /**
     * Room kept past the last page: a damaged page can make LMDB read up to 64 KiB beyond it
     * (node offsets are 16 bits), and our values up to {@link org.hammer.core.btree.Record#MAX_DATA}
     * are checked against the file's length before they are read.
     */
    static final long SLACK = 256 * 1024;

    private final Path dir;
    private final StoreHeader header;
    private final Env env;
    final Dbi records;
    final Dbi changes;
    final Dbi meta;
    /**
     * Blocks' data apart from their records (store format 3), or null in a format 2 store. Set
     * once, before the store is shared: as it opens, or by {@link #upgradeFormat}, which holds the
     * only reference to the store it upgrades.
     */
    Dbi blocks;
    private volatile boolean closed;
    /** A commit since the last sync: its meta page may not be on disk yet (MDB_NOMETASYNC). */
    private volatile boolean unsynced;
    private final Preallocator preallocator;
    /** The file system of the data file, looked up at the first {@link #room}. */
    private volatile FileStore dataDisk;
    final long pageSize;
    /** The TID counter as a read of one snapshot found it (see {@code LmdbTxn}), or null. */
    volatile TidOf lastTidSeen;

    /** The TID counter {@code lastTid} of snapshot (LMDB transaction id) {@code snapshot}. */
    record TidOf(long snapshot, long lastTid) {
    }
    final MapBounds bounds;
    /** Set when the file system refused a read past the page cache: values are read through the map ({@link ColdValues}). */
    volatile boolean coldRefused;
    /** The map's ranges last asked for ahead of sequential reads ({@link LmdbTxn#readAhead}), a ring; guarded by itself. */
    private final long[] ahead = new long[2 * 8];
    /** The values asked for ahead, read past the page cache. */
    final DirectAhead directAhead = new DirectAhead(this);
    private int aheadNext;

    /** Values in [from, to) of the map were just asked for ({@link DirectAhead}, else {@link Env#adviseWillNeed}). */
    void askedAhead(long from, long to) {
        synchronized (ahead) {
            ahead[2 * aheadNext] = from;
            ahead[2 * aheadNext + 1] = to;
            aheadNext = (aheadNext + 1) % (ahead.length / 2);
        }
    }

    /**
     * Whether [at, at + n) of the map lies in a range lately asked for ahead: a read of it copies
     * it out of the page cache it is in or coming into (waiting for it), neither through the map nor
     * again from the disk past the page cache ({@link ColdValues}).
     */
    boolean inAskedAhead(long at, long n) {
        synchronized (ahead) {
            for (int i = 0; i < ahead.length; i += 2) {
                if (at >= ahead[i] && at + n <= ahead[i + 1]) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Long header-only walks running now ({@code LmdbTxn.HeadersAhead}); while there is one, the map has no read-around. */
    private int headerWalks;

    /**
     * A long walk over headers (or over the keys of blocks asked for ahead, which
     * {@link DirectAhead} reads past the page cache) begins: the map's pages are faulted in one at
     * a time until it ends. A fault on a leaf would otherwise read the disk's read-around (8 MiB on
     * some) into the page cache, and a leaf lies among the blocks it indexes: a walk over a large
     * file's headers read the whole file. Only how much a fault reads changes; what any reader
     * gets does not.
     */
    synchronized void headerWalkStarted() {
        if (headerWalks++ == 0 && bounds.base() != 0) {
            Env.adviseRandom(bounds.base(), env.info().mapSize());
        }
    }

    /** A walk {@link #headerWalkStarted} told of has ended; the last gives the map its read-around back. */
    synchronized void headerWalkEnded() {
        if (--headerWalks == 0 && bounds.base() != 0) {
            Env.adviseNormal(bounds.base(), env.info().mapSize());
        }
    }

    private LmdbStore(Path dir, StoreHeader header, boolean create) {
        this.dir = dir;
        this.header = header;
        if (!create) {
            MetaPages.check(dir);
        }
        Env e = null;
        try {
            e = Env.open(dir, header.maxSize(), 4, 1024, Env.NOTLS | Env.NOMETASYNC, message -> assertionFailed(dir, message));
            NativeFaults.install();
            // Only newfs creates the DBIs: a name missing from a damaged store must not be made anew.
            this.records = openDbi(e, "records", create);
            this.changes = openDbi(e, "changes", create);
            this.meta = openDbi(e, "meta", create);
            this.blocks = header.formatVersion() >= 3 ? openDbi(e, "blocks", create) : null;
            this.pageSize = e.pageSize();
            this.bounds = new MapBounds(dir.resolve(MetaPages.DATA_FILE), e.info().mapSize());
            this.preallocator = new Preallocator(dir.resolve(MetaPages.DATA_FILE));
            this.env = e;
            if (!create) {
                checkFlags(e);
                e.readerCheck();
                checkSeal();
            }
        } catch (RuntimeException ex) {
            if (e != null) {
                e.close();
            }
            throw LmdbErrors.translate(dir, "open", ex);
        } catch (LinkageError ex) {
            // hammer's native library (LMDB's binding) missing or unloadable: an install problem
            throw new HammerException(HammerException.Kind.FAILURE, dir + ": cannot open: " + ex.getMessage(), ex);
        }
    }

    /**
     * LMDB checks some of its page invariants with assertions that call {@code abort()}: on a
     * damaged page (a branch entry that leads to a page that is not a leaf, say) the JVM would die
     * with a core dump. The binding calls this first: the damage is reported in hammer's one line
     * and the process ends with exit status 5 before LMDB can abort. Nothing is written after that
     * line: a write transaction in progress is simply never committed.
     */
    private static void assertionFailed(Path dir, String message) {
        System.err.println("hammer: " + dir + ": store damaged: LMDB met an inconsistent page (" + message
                + "); hammer scrub lists all damage");
        System.err.flush();
        Runtime.getRuntime().halt(5);
    }

    private Dbi openDbi(Env e, String name, boolean create) {
        try {
            return e.openDbi(name, create);
        } catch (LmdbException ex) {
            if (ex.code() == LmdbException.NOTFOUND) {
                throw HammerException.corrupt(dir + ": store damaged: its '" + name + "' table is missing");
            }
            throw ex;
        }
    }

    /** The store's tables: records, changes, meta and, from format 3, blocks. */
    java.util.List<Dbi> tables() {
        return blocks == null ? java.util.List.of(records, changes, meta) : java.util.List.of(records, changes, meta, blocks);
    }

    /** hammer's tables are plain sorted tables: a flag changed by damage must not change how LMDB reads them. */
    private void checkFlags(Env e) {
        try (Txn txn = e.txnRead()) {
            for (Dbi d : tables()) {
                int f = d.flags(txn);
                if (f != 0) {
                    throw HammerException.corrupt(dir + ": store damaged: table '" + d.name() + "' has flags 0x"
                            + Integer.toHexString(f));
                }
            }
        }
    }

    /** The newest snapshot must carry the seal its own commit wrote. */
    private void checkSeal() {
        readNear(r -> {
            LmdbTxn t = (LmdbTxn) r;
            byte[] seal = r.meta(META_SEAL);
            if (seal == null || seal.length != 8) {
                throw HammerException.corrupt(dir + ": store damaged: its newest commit carries no seal");
            }
            long sealed = ByteBuffer.wrap(seal).getLong();
            if (sealed != t.snapshotId()) {
                throw HammerException.corrupt(dir + ": store damaged: the newest meta page says commit "
                        + t.snapshotId() + " but leads to the tree of commit " + sealed);
            }
            return null;
        });
    }

    static LmdbStore create(Path dir, String label, long maxSize) {
        return create(dir, label, maxSize, StoreHeader.FORMAT_VERSION);
    }

    /** A new store of format {@code format} (an older one for a store an older hammer must read). */
    static LmdbStore create(Path dir, String label, long maxSize, int format) {
        if (format < StoreHeader.OLDEST_FORMAT || format > StoreHeader.FORMAT_VERSION) {
            throw HammerException.refused(dir + ": format " + format + " is not one this hammer makes ("
                    + StoreHeader.OLDEST_FORMAT + " to " + StoreHeader.FORMAT_VERSION + ")");
        }
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw HammerException.failure(dir + ": exists and is not a directory");
                }
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw HammerException.refused(dir + ": directory is not empty");
                    }
                }
            }
            Files.createDirectories(dir);
            StoreHeader h = new StoreHeader(format, label, UUID.randomUUID(), maxSize);
            LmdbStore store = new LmdbStore(dir, h, true);
            store.apply(w -> {
                w.raiseTid(Tid.FIRST - 1);
                return null;
            });
            h.write(dir);
            store.sync();
            return store;
        } catch (IOException e) {
            throw HammerException.failure(dir + ": " + e.getMessage());
        }
    }

    static boolean preferDirectWrites(boolean direct) {
        return Env.preferDirectWrites(direct);
    }

    static LmdbStore open(Path dir) {
        StoreHeader h = StoreHeader.read(dir);
        return new LmdbStore(dir, h, false);
    }

    /** LMDB's lock file, beside the data file. */
    static final String LOCK_FILE = "lock.mdb";

    /**
     * {@link Store#changeMaxSize}, for a store this process does not hold open. Every process that
     * has an LMDB environment open holds a shared lock on the first byte of its lock file (LMDB
     * takes it with {@code fcntl} as it opens, and a process that opens it next waits for an
     * exclusive one to go); so an exclusive lock on that byte, taken without waiting, both proves
     * that no process has the store open and keeps any from opening it until the header is
     * written. Record locks are per process: one closed descriptor drops all the process's locks
     * on the file, so this must never run where the environment is open (the registry sees to it).
     */
    static StoreHeader changeMaxSize(Path dir, long maxSize) {
        StoreHeader.read(dir); // not a store, or a damaged header: said before anything is made
        Path lock = dir.resolve(LOCK_FILE);
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE)) {
            takeAlone(dir, ch, "its size limit");
            StoreHeader h = StoreHeader.read(dir); // as it is now that nothing else may change it
            MetaPages m = MetaPages.check(dir);
            long pagesEnd = (m.lastPage() + 1) * m.pageSize();
            if (maxSize < pagesEnd) {
                throw HammerException.refused(dir + ": the store's pages already reach " + pagesEnd
                        + " bytes, and a store never gives pages back to the disk: its limit cannot be below that");
            }
            if (maxSize != h.maxSize()) {
                new StoreHeader(h.formatVersion(), h.label(), h.fsUuid(), maxSize).write(dir);
            }
            return h;
        } catch (IOException e) {
            throw HammerException.failure(dir + ": " + e.getMessage());
        }
    }

    /**
     * Takes an exclusive lock on the first byte of the lock file open as {@code ch}, without
     * waiting; refused, naming {@code what} is changed, while another process holds a lock there.
     */
    private static void takeAlone(Path dir, FileChannel ch, String what) throws IOException {
        FileLock held;
        try {
            held = ch.tryLock(0, 1, false);
        } catch (OverlappingFileLockException e) {
            held = null;
        }
        if (held == null) {
            throw HammerException.refused(dir + ": the store is open in another process (a mount, a mirror-stream,"
                    + " a command still running); " + what + " is changed only where no process has it open");
        }
    }

    /**
     * Data moved per transaction by {@link #upgradeFormat}. Each commit's new pages come from the
     * free list or the file's end, and the pages it frees are reused two commits on; with a larger
     * batch the file grows by more (64 MiB: 1,149 → 1,540 MiB for 1 GiB moved, the preallocator
     * reserving ahead of each large growth; 16 MiB: → 1,225 MiB) at the same speed.
     */
    static final long UPGRADE_BATCH = 16L << 20;

    /**
     * {@link Store#upgradeFormat}, for a store this process does not hold open. The environment is
     * opened first (LMDB's shared lock on the first byte of its lock file) and that lock is then
     * made exclusive, without waiting: it fails while any other process has the store open, and
     * keeps any from opening it until the environment is closed. (Record locks are per process,
     * so the exclusive lock replaces LMDB's; the descriptor that holds it is closed only after the
     * environment.) Then, refusing a store with any damage: the blocks table is made, in a commit
     * with its seal, and synced; the header says the new format; records' data moves into the table in
     * transactions of {@link #UPGRADE_BATCH}, smaller when the store has less room ({@link #upgradeStep});
     * with no room for the next block it stops, saying so. Interrupted anywhere, the store is whole in the
     * format its header says (a format 3 store reads data in either place), and the upgrade run
     * again goes on. From format 3 to 4 nothing moves and no record changes: the header says 4
     * after the walk finds nothing to move, and files made from then on count their blocks in
     * their inodes (those made before are walked for st_blocks, as before).
     */
    static FormatUpgrade upgradeFormat(Path dir, int to, LongConsumer progress) {
        return upgradeFormat(dir, to, progress, UPGRADE_BATCH);
    }

    /** {@link #upgradeFormat(Path, int, LongConsumer)} moving {@code batch} bytes per commit. */
    static FormatUpgrade upgradeFormat(Path dir, int to, LongConsumer progress, long batch) {
        StoreHeader h = StoreHeader.read(dir); // not a store, or a damaged header: said before anything opens
        if (to < h.formatVersion()) {
            throw HammerException.refused(dir + ": the store is format " + h.formatVersion() + "; a format is never"
                    + " lowered (mirror-copy into a store of the older format instead)");
        }
        if (to > StoreHeader.FORMAT_VERSION) {
            throw HammerException.refused(dir + ": format " + to + " is newer than this hammer makes ("
                    + StoreHeader.FORMAT_VERSION + ")");
        }
        if (to == h.formatVersion() && to < 3) {
            return new FormatUpgrade(h.formatVersion(), to, 0, 0);
        }
        LmdbStore s = open(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            try {
                takeAlone(dir, ch, "its format");
                return s.upgradeTo(to, progress, batch);
            } finally {
                s.close(); // before the descriptor holding the lock: LMDB's lock goes with the environment
            }
        } catch (IOException e) {
            throw HammerException.failure(dir + ": " + e.getMessage());
        }
    }

    private FormatUpgrade upgradeTo(int to, LongConsumer progress, long batch) throws IOException {
        long[] damage = {0};
        check(d -> damage[0]++);
        if (damage[0] > 0) {
            throw HammerException.corrupt(dir + ": store damaged (" + damage[0] + " problem"
                    + (damage[0] == 1 ? "" : "s") + "; hammer scrub " + dir + " lists them): not upgraded");
        }
        int from = header.formatVersion();
        if (blocks == null) {
            // made in a commit of the store's own, which carries its seal
            blocks = writeTxn(w -> env.createDbi(((LmdbTxn) w).txn(), "blocks"), false);
            sync(); // the table on disk before a header that needs it
            new StoreHeader(to, header.label(), header.fsUuid(), header.maxSize()).write(dir);
        }
        long records = 0;
        long bytes = 0;
        byte[] next = null;
        do {
            byte[] at = next;
            long step = upgradeStep(batch, room());
            LmdbTxn.Moved m;
            try {
                m = writeTxn(w -> ((LmdbTxn) w).moveDataOut(at, step), false);
            } catch (HammerException e) {
                if (!LmdbErrors.isOutOfSpace(e)) {
                    throw e;
                }
                throw new HammerException(HammerException.Kind.FAILURE, dir + ": no room to move the next block"
                        + " (the store's size limit or its disk is reached; hammer max-size raises the limit): the"
                        + " upgrade stopped whole, the data of " + records + " record" + (records == 1 ? "" : "s")
                        + " moved, and goes on when run again", e);
            }
            records += m.records();
            bytes += m.bytes();
            next = m.next();
            progress.accept(bytes);
        } while (next != null);
        sync();
        if (from >= 3 && from < to) {
            // Format 4 changes no record in place: files made from now on count their blocks.
            new StoreHeader(to, header.label(), header.fsUuid(), header.maxSize()).write(dir);
        }
        return new FormatUpgrade(from, to, records, bytes);
    }

    /** Room an upgrade's commit leaves for the pages of the records it rewrites, the table's own and the free list. */
    static final long UPGRADE_RESERVE = 1L << 20;

    /**
     * The data an upgrade moves in its next commit: {@code batch}, or less when the store has less
     * room. A commit writes the data it moves anew (in overflow pages, a sixteenth more) before the
     * values it leaves are freed, and those pages are taken again two commits on: so a store near
     * its limit, which is where a removal in format 2 fails and format 3 is wanted, moves
     * its data in smaller steps instead of failing. At least one record each time.
     */
    static long upgradeStep(long batch, long room) {
        return Math.max(1, Math.min(batch, (room - UPGRADE_RESERVE) / 17 * 16));
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public StoreHeader header() {
        return header;
    }

    @Override
    public <T> T read(Function<StoreReader, T> work) {
        return read(work, true);
    }

    @Override
    public <T> T readNear(Function<StoreReader, T> work) {
        return read(work, false);
    }

    private <T> T read(Function<StoreReader, T> work, boolean neighbours) {
        checkOpen();
        Path outer = NativeFaults.enter(dir);
        try (Txn txn = env.txnReadKept()) {
            LmdbTxn t = new LmdbTxn(this, txn, false, false);
            t.checkNeighbours = neighbours;
            try {
                return work.apply(t);
            } catch (RuntimeException | Error e) {
                txn.doNotKeep(); // whatever went wrong, the next read begins afresh
                throw e;
            } finally {
                t.close();
            }
        } catch (HammerException e) {
            throw located(e);
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "read", e);
        } finally {
            NativeFaults.leave(outer);
        }
    }

    @Override
    public <T> T write(Function<StoreWriter, T> work) {
        return writeTxn(work, true);
    }

    @Override
    public <T> T apply(Function<StoreWriter, T> work) {
        return writeTxn(work, false);
    }

    /** The free pages of one snapshot, a bitmap of {@link Pages#free}. */
    private record FreeList(long snapshot, long[] pages) {
    }

    /** Those of the snapshot a check last needed: most transactions read the newest one. */
    private volatile FreeList freeList;

    /** The pages on the free list of the snapshot the read transaction {@code txn} reads. */
    long[] freePages(Txn txn) {
        long snapshot = txn.id();
        FreeList f = freeList;
        if (f != null && f.snapshot() == snapshot) {
            return f.pages();
        }
        long[] pages = Pages.free(txn);
        if (pages == null) {
            throw new DamagedStoreException("LMDB's free list is damaged");
        }
        freeList = new FreeList(snapshot, pages);
        return pages;
    }

    private <T> T writeTxn(Function<StoreWriter, T> work, boolean allocateTid) {
        checkOpen();
        Path outer = NativeFaults.enter(dir);
        try (Txn txn = env.txnWrite()) {
            LmdbTxn t = new LmdbTxn(this, txn, true, allocateTid);
            T result;
            try {
                result = work.apply(t);
                t.finish();
            } finally {
                t.close();
            }
            txn.commit();
            unsynced = true;
            preallocator.committed(usedBytes(), SLACK);
            return result;
        } catch (HammerException e) {
            throw located(e);
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "write", e);
        } finally {
            NativeFaults.leave(outer);
        }
    }

    @Override
    public StoreCheck.Totals check(StoreCheck.Listener listener) {
        checkOpen();
        Path outer = NativeFaults.enter(dir);
        try (Txn txn = env.txnRead()) {
            // The walks check every entry and the order of keys themselves: each damaged entry is
            // reported once, not again as the neighbour of every search that lands next to it.
            LmdbTxn reader = new LmdbTxn(this, txn, false, false);
            reader.checkNeighbours = false;
            try {
                return new Verifier(this, txn, reader, listener).run();
            } finally {
                reader.close();
            }
        } finally {
            NativeFaults.leave(outer);
        }
    }

    /** Damage found inside a transaction, named with this store and pointed at scrub. */
    private HammerException located(HammerException e) {
        if (e instanceof DamagedStoreException || e instanceof org.hammer.core.btree.CorruptRecordException) {
            String m = e instanceof DamagedStoreException ? e.getMessage() : "store damaged: " + e.getMessage();
            return new HammerException(HammerException.Kind.CORRUPT, dir + ": " + m
                    + " (hammer scrub " + dir + " lists all damage)", e);
        }
        return e;
    }

    @Override
    public long lastTid() {
        return read(StoreReader::lastTid);
    }

    @Override
    public long commits() {
        checkOpen();
        return env.info().lastTxnId();
    }

    @Override
    public void sync() {
        checkOpen();
        try {
            unsynced = false;
            env.sync(true);
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "sync", e);
        }
    }

    @Override
    public long usedBytes() {
        return (env.info().lastPageNumber() + 1) * pageSize;
    }

    @Override
    public long freeBytes() {
        checkOpen();
        Path outer = NativeFaults.enter(dir);
        try (Txn t = env.txnRead()) {
            return env.listedFreePages(t) * pageSize;
        } catch (LmdbException e) {
            throw LmdbErrors.translate(dir, "read the free list", e);
        } finally {
            NativeFaults.leave(outer);
        }
    }

    /** Room past the pages in use from which {@link #room} leaves the free list uncounted. */
    static final long AMPLE_ROOM = 256L << 20;

    @Override
    public long room() {
        checkOpen();
        Env.Info info = env.info();
        long used = (info.lastPageNumber() + 1) * pageSize;
        long room = info.mapSize() - used;
        try {
            Path data = dir.resolve(MetaPages.DATA_FILE);
            FileStore disk = dataDisk;
            if (disk == null) {
                dataDisk = disk = Files.getFileStore(data);
            }
            // Blocks the file already has past its pages in use (fallocate) are room too.
            room = Math.min(room, disk.getUsableSpace() + Math.max(0, Files.size(data) - used));
        } catch (IOException e) {
            // The map's limit alone: a full disk still shows when a commit writes.
        }
        if (room >= AMPLE_ROOM) {
            return room;
        }
        Path outer = NativeFaults.enter(dir);
        try (Txn t = env.txnRead()) {
            return room + env.freePages(t) * pageSize;
        } catch (RuntimeException e) {
            return room; // the free list unread: counted as none, and a commit says what is wrong
        } finally {
            NativeFaults.leave(outer);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + dir + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            try {
                if (unsynced) {
                    sync();
                }
            } finally {
                closed = true;
                directAhead.close();
                env.close();
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The LMDB environment (for {@link ColdValues}). */
    Env env() {
        return env;
    }
}
