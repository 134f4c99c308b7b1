package org.hammer.core.lmdb;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * An LMDB environment: one data file and its lock file in a directory. Opened once per process
 * (closing a second handle on the same files would drop the first one's locks).
 */
public final class Env implements AutoCloseable {
    /** Read transactions are not tied to threads (mdb_env_open). */
    public static final int NOTLS = 0x200000;
    /** One flush per commit instead of two; integrity kept, the last commit may be lost in a crash. */
    public static final int NOMETASYNC = 0x40000;

    /** The most read transactions kept idle for reuse ({@link #txnReadKept}). */
    private static final int MAX_KEPT_READS = 8;

    private final Path dir;
    private volatile long ptr;
    /** Kept read transactions, reset, newest first; guarded by itself. */
    private final ArrayDeque<Txn.Idle> keptReads = new ArrayDeque<>(MAX_KEPT_READS);

    private Env(Path dir, long ptr) {
        this.dir = dir;
        this.ptr = ptr;
    }

    /**
     * Opens the environment in {@code dir} (created when missing), mapped at {@code mapSize} bytes.
     * {@code onAssert} hears of an LMDB assertion failure before LMDB aborts the process.
     */
    public static Env open(Path dir, long mapSize, int maxDbs, int maxReaders, int flags, Consumer<String> onAssert) {
        Native.loaded();
        long p = Native.envOpen(dir.toString(), mapSize, maxDbs, maxReaders, flags, 0664);
        if (onAssert != null) {
            Native.ASSERT_HANDLERS.put(p, onAssert);
        }
        return new Env(dir, p);
    }

    long live() {
        long p = ptr;
        if (p == 0) {
            throw new IllegalStateException("LMDB environment " + dir + " is closed");
        }
        return p;
    }

    /**
     * Opens the named table. An existing one is opened in a read transaction, so opening never
     * waits for another process's writer; {@code create} makes a missing one in a write
     * transaction. A missing table without {@code create} is {@link LmdbException#NOTFOUND}.
     */
    public Dbi openDbi(String name, boolean create) {
        try (Txn t = create ? txnWrite() : txnRead()) {
            Dbi d = create ? createDbi(t, name) : new Dbi(name, Native.dbiOpen(t.live(), name, 0));
            t.commit();
            return d;
        }
    }

    /** LMDB's MDB_CREATE. */
    private static final int MDB_CREATE = 0x40000;

    /**
     * Makes the named table, if missing, in write transaction {@code t}: it exists for others once
     * {@code t} commits, and with whatever else {@code t} writes (a transaction that only made a
     * table would be a commit of its own).
     */
    public Dbi createDbi(Txn t, String name) {
        if (t.readOnly()) {
            throw new IllegalArgumentException("a table is made in a write transaction");
        }
        return new Dbi(name, Native.dbiOpen(t.live(), name, MDB_CREATE));
    }

    public Txn txnRead() {
        return new Txn(Native.txnBegin(live(), true), true);
    }

    /**
     * Begins a read transaction on the newest snapshot that goes back to this environment when it
     * ends, reset, with the cursors closed in it, and is renewed by a later call instead of
     * allocated again (LMDB's mdb_txn_reset and mdb_txn_renew; with MDB_NOTLS a reader slot
     * belongs to its transaction, not to a thread). For short reads made often; it must not be
     * committed to keep it.
     */
    public Txn txnReadKept() {
        long env = live();
        Txn.Idle idle;
        synchronized (keptReads) {
            idle = keptReads.pollFirst();
        }
        if (idle != null) {
            try {
                Native.txnRenew(idle.txn());
                for (Cursor.Parts c : idle.cursors()) {
                    Native.cursorRenew(idle.txn(), c.ptr());
                }
                return new Txn(idle.txn(), true, idle.val(), this, idle.cursors());
            } catch (RuntimeException e) {
                idle.discard(); // begun afresh below, which reports what is wrong
            }
        }
        return new Txn(Native.txnBegin(env, true), true, Native.emptyBuffer(), this, new ArrayList<>(4));
    }

    /** Resets and keeps an ending read transaction of {@link #txnReadKept}; false when there is no room. */
    boolean keep(Txn.Idle idle) {
        synchronized (keptReads) {
            if (ptr == 0 || keptReads.size() >= MAX_KEPT_READS) {
                return false;
            }
            Native.txnReset(idle.txn());
            keptReads.addFirst(idle);
            return true;
        }
    }

    /** Begins a write transaction: waits for the environment's writer lock, on this thread. */
    public Txn txnWrite() {
        return new Txn(Native.txnBegin(live(), false), false);
    }

    public int pageSize() {
        return Native.envPageSize(live());
    }

    /** LMDB's table of free pages (FREE_DBI). */
    private static final int FREE_DBI = 0;

    /**
     * The pages on the free list that the next write transaction may reuse, as read transaction
     * {@code txn} (of the newest snapshot) sees it. Each entry of LMDB's table 0 lists the pages
     * one commit freed, keyed by that commit's transaction id, its count first (as
     * {@code mdb_stat -f} adds them up). LMDB reuses an entry's pages once no reader, in any
     * process, holds a snapshot as old as the commit that freed them, so the entries of that
     * commit and later ones are left out (the newest commit's always: {@code txn} holds its
     * snapshot). A count its entry cannot hold counts as what it holds.
     */
    public long freePages(Txn txn) {
        long oldest = Native.oldestReader(live());
        return freePagesBelow(txn, oldest == 0 ? txn.id() : Math.min(txn.id(), oldest));
    }

    /**
     * Every page on the free list as {@code txn} sees it, those that still wait for a reader to
     * move on or for the next commit included: pages that hold nothing a new snapshot would see.
     */
    public long listedFreePages(Txn txn) {
        return freePagesBelow(txn, -1L); // every transaction id is below, unsigned
    }

    private long freePagesBelow(Txn txn, long reusableBelow) {
        long n = 0;
        try (Cursor c = new Cursor(txn, Native.cursorOpen(txn.live(), FREE_DBI), FREE_DBI)) {
            for (boolean more = c.first(); more; more = c.next()) {
                ByteBuffer k = c.key().duplicate().order(ByteOrder.nativeOrder());
                if (k.remaining() != Long.BYTES || Long.compareUnsigned(k.getLong(k.position()), reusableBelow) >= 0) {
                    continue;
                }
                ByteBuffer v = c.val().duplicate().order(ByteOrder.nativeOrder());
                long listed = v.remaining() / Long.BYTES - 1;
                if (listed > 0) {
                    n += Math.max(0, Math.min(v.getLong(v.position()), listed));
                }
            }
        }
        return n;
    }

    /** What {@code mdb_env_info} says. */
    public record Info(long mapAddress, long mapSize, long lastPageNumber, long lastTxnId, int maxReaders,
            int numReaders) {
    }

    public Info info() {
        long[] v = new long[6];
        Native.envInfo(live(), v);
        return new Info(v[0], v[1], v[2], v[3], (int) v[4], (int) v[5]);
    }

    /**
     * How this process's commits write the stretches of large values' pages: {@code true} past
     * the page cache ({@code O_DIRECT}, the default), {@code false} through it, as every other
     * page. {@code HAMMER_LMDB_DIRECT} in the environment ({@code 0} or {@code 1}), when set, is
     * the operator's choice and wins: {@code preferred} applies only without it. Returns whether
     * large values now go direct.
     */
    public static boolean preferDirectWrites(boolean preferred) {
        boolean on = Native.directFor(System.getenv("HAMMER_LMDB_DIRECT"), preferred);
        Native.directWrites(on);
        return on;
    }

    /**
     * Whether every page of the {@code length} bytes at {@code address} (in the map) is in the page
     * cache; true when that cannot be told (the map is then read as always).
     */
    public static boolean resident(long address, long length) {
        return Native.resident(address, length) != 0;
    }

    /** Asks the kernel to fault the map's pages in one at a time, with no read-around: 0, else the negative errno. */
    public static int adviseRandom(long address, long length) {
        return Native.advise(address, length, Native.MADV_RANDOM);
    }

    /** Gives the map's pages the kernel's read-around on a fault again: 0, else the negative errno. */
    public static int adviseNormal(long address, long length) {
        return Native.advise(address, length, Native.MADV_NORMAL);
    }

    /**
     * Asks the kernel to read the map's pages of the range into the page cache now, without
     * waiting for them (a fault on one of them then waits for its read, if still under way):
     * 0, else the negative errno.
     */
    public static int adviseWillNeed(long address, long length) {
        return Native.advise(address, length, Native.MADV_WILLNEED);
    }

    /**
     * Asks the kernel to read into the page cache, without waiting, the page (of the map) holding
     * the first byte at each of the first {@code n} addresses: one page each, none around it.
     */
    public static void willNeed(long[] addresses, int n) {
        Native.willNeed(addresses, n);
    }

    /**
     * Reads {@code length} bytes at {@code offset} of the data file into {@code dst} (from its start)
     * through the page cache, without touching the map: the count read, else the negative errno.
     */
    public int readCached(long offset, int length, ByteBuffer dst) {
        return Native.readCached(live(), offset, length, dst);
    }

    /**
     * Reads {@code length} bytes at {@code offset} of the data file into {@code dst} past the page
     * cache (O_DIRECT; offset, length and dst's address multiples of 4096): the count read, fewer at
     * the end of the file, else the negative errno (-EOPNOTSUPP when the file system refuses O_DIRECT).
     */
    public int readDirect(long offset, int length, ByteBuffer dst) {
        return Native.readDirect(live(), offset, length, dst);
    }

    /** Clears the reader slots of processes that died; returns how many. */
    public int readerCheck() {
        return Native.readerCheck(live());
    }

    public void sync(boolean force) {
        Native.envSync(live(), force);
    }

    /** Closes the environment; every transaction must have ended. */
    @Override
    public synchronized void close() {
        long p = ptr;
        if (p != 0) {
            synchronized (keptReads) {
                ptr = 0;
                for (Txn.Idle idle; (idle = keptReads.poll()) != null; ) {
                    idle.discard();
                }
            }
            Native.envClose(p);
            Native.ASSERT_HANDLERS.remove(p);
        }
    }
}
