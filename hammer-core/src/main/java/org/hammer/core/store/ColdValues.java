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
 * cached, a small one, or one outside the map (a write transaction's own page) is read through the
 * map as always. Whichever way, the caller checks the bytes it gets against their checksums.
 *
 * <p>A search checks the entry after the one it looks for too, so the last {@link #SLOTS} values
 * read stay in their buffers, each known by its store, snapshot and address in the map: pages of a
 * snapshot never change while it is read. Used only by reads of a file's data that copy it out at
 * once, in read-only transactions ({@link StoreReader#visibleStoredData}): a buffer is reused by the
 * next such read on the thread. Where the file system refuses {@code O_DIRECT}, the store's values
 * are read through the map from then on. {@code -Dhammer.store.coldDirect=false} turns it off.
 */
final class ColdValues {
    /** Values below this size (small files' 16 KiB blocks, every other record) stay on the map. */
    static final int MIN = Integer.getInteger("hammer.store.coldMin", 32 << 10);
    /** The bytes read past the page cache at once: a READ's 1 MiB of blocks with their pages' headers and leaves. */
    static final int WINDOW = Integer.getInteger("hammer.store.coldWindow", 1280 << 10);
    private static final int PAGE = 4096;
    private static final int EOPNOTSUPP = 95;
    private static final int EINVAL = 22;
    static final boolean ON = !"false".equals(System.getProperty("hammer.store.coldDirect"));
    private static final ThreadLocal<ColdValues> PER_THREAD = ThreadLocal.withInitial(ColdValues::new);

    private ByteBuffer window;
    private LmdbStore store;
    private long snapshot;
    /** The data file's bytes [from, from + length) are in the window, as of {@link #snapshot}. */
    private long from;
    private int length;
    /** Reads past the page cache by this thread, and the values found in a window read before. */
    long reads;
    long kept;

    static ColdValues get() {
        return PER_THREAD.get();
    }

    /**
     * {@code v}, a value of {@code s} in snapshot {@code snapshotId} as the cursor gives it, or a
     * view of the same bytes read past the page cache (valid until this thread's next such read).
     */
    ByteBuffer value(LmdbStore s, long snapshotId, ByteBuffer v) {
        int n = v.remaining();
        MapBounds b = s.bounds;
        long base = b.base();
        if (n < MIN || base == 0 || s.coldRefused) {
            return v;
        }
        long at = Posix.address(v) + v.position();
        long off = at - base;
        long fileLength = b.length();
        if (off < 0 || off + n > fileLength) {
            return v; // a write transaction's page, or past the file as last seen: the caller's checks decide
        }
        if (store == s && snapshot == snapshotId && off >= from && off + n <= from + length) {
            kept++;
            return window.slice((int) (off - from), n);
        }
        if (Env.resident(at, n)) {
            return v;
        }
        long start = off & -PAGE;
        long end = Math.max((off + n + PAGE - 1) & -PAGE, Math.min(start + WINDOW, (fileLength + PAGE - 1) & -PAGE));
        int len = (int) (end - start);
        if (window == null || window.capacity() < len) {
            window = ByteBuffer.allocateDirect(len + PAGE).alignedSlice(PAGE);
        }
        store = null;
        int got = s.env().readDirect(start, len, window);
        if (got < 0) {
            if (got == -EOPNOTSUPP || got == -EINVAL) {
                s.coldRefused = true;
            }
            return v; // read through the map, which reports what is wrong if anything is
        }
        if (got < off - start + n) {
            return v; // the file ends before the value: the map's checks say so
        }
        store = s;
        snapshot = snapshotId;
        from = start;
        length = got;
        reads++;
        return window.slice((int) (off - start), n);
    }
}
