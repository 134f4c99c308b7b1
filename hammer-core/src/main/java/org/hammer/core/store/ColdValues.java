package org.hammer.core.store;

import java.nio.ByteBuffer;

import org.hammer.core.lmdb.Env;
import org.hammer.core.lmdb.Posix;

/**
 * The large values of a file's data read past the page cache when they are not in it. A value read
 * through LMDB's map is faulted into the page cache, and a reader of the mount, whose kernel caches
 * the file's pages too, then has the data filled into memory twice on a cold read. A value of
 * {@link #MIN} bytes or more whose pages are not all cached ({@code mincore}) is read instead with
 * {@code O_DIRECT} into a buffer of this thread's ({@link Env#readDirect}); one whose pages are
 * cached (unless asked for ahead, below), a small one, or one outside the map (a write
 * transaction's own page) is read through the map as always. Whichever way, the caller checks the bytes it gets against their checksums.
 *
 * <p>A value of a range lately asked for ahead of a sequential reader ({@link LmdbStore#inAskedAhead})
 * is read from the buffers the store's own threads read it into past the page cache
 * ({@link DirectAhead}), waiting for it if it is still being read: in place when one buffer holds
 * it all, the buffer then held by this thread until its reader says it has copied the data out
 * ({@link StoreReader#dataCopied}) or reads its next value; else copied from them. When they do
 * not hold it (a newer snapshot, their buffers all taken), it is copied out of the page cache
 * with {@code pread}, whether cached yet or not. Such a reader streams the file once: each of its
 * pages faulted into the map would cost a fault and a page-table entry the daemon keeps while the
 * map lives (on some virtual machines the dearest part of a cold read; bench/PROFILE.md §5).
 *
 * <p>Each value is read alone, its own pages: reading ahead in larger windows (256 KiB to 4 MiB)
 * was slower, each a longer wait with nothing else to do (bench/PROFILE.md §5). A search checks the
 * entry after the one it looks for too, so the last {@link #SLOTS} values read stay in their
 * buffers, each known by its store, snapshot and address in the map: pages of a snapshot never
 * change while it is read. Used only by reads of a file's data that copy it out at
 * once, in read-only transactions ({@link StoreReader#visibleStoredData}): a buffer is reused by the
 * next such read on the thread. Where the file system refuses {@code O_DIRECT}, the store's values
 * are read through the map from then on. {@code -Dhammer.store.coldDirect=false} turns it off.
 */
final class ColdValues {
    /** Values below this size (small files' 16 KiB blocks, every other record) stay on the map. */
    static final int MIN = 32 << 10;
    /** Values kept in their buffers: a search's own and the one after it, and one more. */
    static final int SLOTS = 3;
    private static final int PAGE = 4096;
    private static final int EOPNOTSUPP = 95;
    private static final int EINVAL = 22;
    static final boolean ON = !"false".equals(System.getProperty("hammer.store.coldDirect"));
    private static final ThreadLocal<ColdValues> PER_THREAD = ThreadLocal.withInitial(ColdValues::new);

    private final ByteBuffer[] buffer = new ByteBuffer[SLOTS];
    private final LmdbStore[] store = new LmdbStore[SLOTS];
    private final long[] snapshot = new long[SLOTS];
    private final long[] address = new long[SLOTS];
    private final int[] length = new int[SLOTS];
    private final int[] skip = new int[SLOTS];
    private final long[] used = new long[SLOTS];
    private long clock;
    /** The last values found in the page cache (store, snapshot, address), each asked about once. */
    private final LmdbStore[] cachedStore = new LmdbStore[SLOTS];
    private final long[] cachedSnapshot = new long[SLOTS];
    private final long[] cachedAddress = new long[SLOTS];
    private int cachedNext;
    /** The piece of a store's read-ahead buffers the last value was read in place from, held till the next. */
    private DirectAhead.Piece held;
    /**
     * Values read past the page cache by this thread, values asked for ahead read from the store's
     * read-ahead buffers (in place or copied) or copied out of the page cache, and values found
     * still in a buffer or in the read-ahead buffer held.
     */
    long reads;
    long readsAhead;
    long kept;

    static ColdValues get() {
        return PER_THREAD.get();
    }

    /**
     * {@code v}, a value of {@code s} in snapshot {@code snapshotId} as the cursor gives it, or a
     * view of the same bytes read past the page cache (valid until this thread's next such read,
     * or its {@link #letGo} when it is a view of the store's read-ahead buffers).
     */
    ByteBuffer value(LmdbStore s, long snapshotId, ByteBuffer v) {
        if (held != null && held.owner == s.directAhead) {
            long off = Posix.address(v) + v.position() - s.bounds.base();
            if (held.covers(snapshotId, v.remaining(), off)) {
                kept++; // the piece this thread holds has it too: read in place again
                return DirectAhead.view(held, off, v.remaining());
            }
        }
        letGo(); // the last value's view is done with: this is the thread's next read
        return find(s, snapshotId, v);
    }

    /** Lets go of the piece of a store's read-ahead buffers the last value was read in place from. */
    void letGo() {
        if (held != null) {
            held.owner.release(held);
            held = null;
        }
    }

    private ByteBuffer find(LmdbStore s, long snapshotId, ByteBuffer v) {
        int n = v.remaining();
        MapBounds b = s.bounds;
        long base = b.base();
        if (n < MIN || base == 0 || s.coldRefused) {
            return v;
        }
        long at = Posix.address(v) + v.position();
        long off = at - base;
        if (off < 0 || off + n > b.length()) {
            return v; // a write transaction's page, or past the file as last seen: the caller's checks decide
        }
        for (int i = 0; i < SLOTS; i++) {
            if (store[i] == s && snapshot[i] == snapshotId && address[i] == at && length[i] == n) {
                used[i] = ++clock;
                kept++;
                return buffer[i].slice(skip[i], n);
            }
        }
        for (int i = 0; i < SLOTS; i++) {
            if (cachedStore[i] == s && cachedSnapshot[i] == snapshotId && cachedAddress[i] == at) {
                return v;
            }
        }
        boolean ahead = s.inAskedAhead(at, n);
        if (!ahead && Env.resident(at, n)) {
            cachedStore[cachedNext] = s;
            cachedSnapshot[cachedNext] = snapshotId;
            cachedAddress[cachedNext] = at;
            cachedNext = (cachedNext + 1) % SLOTS;
            return v;
        }
        if (ahead) {
            // in a piece of the store's read-ahead buffers: read there, held till this thread's next value
            DirectAhead.Piece p = s.directAhead.hold(snapshotId, off, n);
            if (p != null) {
                held = p;
                readsAhead++;
                return DirectAhead.view(p, off, n);
            }
        }
        long from = off & -PAGE;
        int len = (int) (((off + n + PAGE - 1) & -PAGE) - from);
        int i = 0;
        for (int j = 1; j < SLOTS; j++) {
            if (used[j] < used[i]) {
                i = j;
            }
        }
        if (buffer[i] == null || buffer[i].capacity() < len) {
            buffer[i] = ByteBuffer.allocateDirect(len + PAGE).alignedSlice(PAGE);
        }
        store[i] = null;
        // A value asked for ahead is in the store's read-ahead buffers, else in the page cache or
        // on its way into it: copied from there (waiting for it if need be), not read again from
        // the disk, nor faulted into the map.
        int got = ahead && s.directAhead.copy(snapshotId, from, len, buffer[i]) ? len
                : ahead ? s.env().readCached(from, len, buffer[i]) : s.env().readDirect(from, len, buffer[i]);
        if (got < 0) {
            if (got == -EOPNOTSUPP || got == -EINVAL) {
                s.coldRefused = true;
            }
            return v; // read through the map, which reports what is wrong if anything is
        }
        if (got < off - from + n) {
            return v; // the file ends before the value: the map's checks say so
        }
        store[i] = s;
        snapshot[i] = snapshotId;
        address[i] = at;
        length[i] = n;
        skip[i] = (int) (off - from);
        used[i] = ++clock;
        if (ahead) {
            readsAhead++;
        } else {
            reads++;
        }
        return buffer[i].slice(skip[i], n);
    }
}
