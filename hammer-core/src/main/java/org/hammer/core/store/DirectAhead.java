package org.hammer.core.store;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

import org.hammer.core.lmdb.Posix;
import org.hammer.core.lmdb.Txn;

/**
 * The values asked for ahead of a sequential reader ({@link LmdbTxn#readAhead}), read from the
 * disk past the page cache ({@code O_DIRECT}) by {@link #THREADS} threads of the store's own into
 * a few buffers, and read there by the reads that want them ({@link ColdValues}): in place when
 * one buffer holds the value whole (held meanwhile, {@link #hold}), else copied. Asked for
 * with {@code MADV_WILLNEED} and copied out of the page cache instead, a cold file's data was
 * filled into fresh memory twice in the daemon (the store's page cache, then the serving
 * thread's buffer) before the mount's kernel filled its own: on a machine where filling fresh
 * memory is the dearest thing, that first fill was about half of a cold read's daemon CPU
 * (bench/PROFILE.md §5).
 *
 * <p>What is read belongs to one snapshot: a thread reads a piece only inside a read
 * transaction of the snapshot that asked for it (LMDB reuses no page a snapshot can see while a
 * reader of it is open), and a read finds a piece only from that snapshot. Anything not found
 * here (the snapshot changed, the buffers all taken, the read refused or failed) is read as
 * before. A copy is checked by its reader against the value's checksums exactly as any other.
 *
 * <p>Bounded: {@link #PIECES} buffers of {@link #PIECE} bytes (32 MiB), reused oldest first; a
 * piece being copied from, or held by a reader reading a value in place ({@link #hold}), is not
 * reused. They are one buffer on huge pages ({@link Posix#hugeBuffer}), allocated at the first
 * piece asked for: an O_DIRECT read pins its buffer's pages and hands them to the disk one by
 * one, and into small pages a 1 MiB read took 5 ms where the disk gives the same bytes to the page
 * cache in under 2 (bench/PROFILE.md §5, "Huge pages for the read-ahead buffers"). {@link #close}
 * stops the threads and waits for them before the store closes.
 * {@code -Dhammer.store.directAhead=false} turns this off (values asked for ahead are then read
 * through the page cache).
 */
final class DirectAhead {
    /** One read and one buffer. */
    static final int PIECE = 1 << 20;
    /** Buffers: two read-ahead windows of 16 MiB ({@code fs.ReadAhead.WINDOW}). */
    static final int PIECES = 32;
    /**
     * Threads reading pieces, each one read at a time: the disk gets four queued, as the kernel's
     * own readahead would give it several (with two, a cold read of a store written by cpdup took
     * 2.32 s against 1.94 s with four; bench/PROFILE.md §5).
     */
    static final int THREADS = Integer.getInteger("hammer.store.aheadThreads", 4);
    private static final int PAGE = 4096;
    private static final int EOPNOTSUPP = 95;
    private static final int EINVAL = 22;
    /** {@code -Dhammer.store.directAhead=false}: values asked for ahead are read through the page cache. */
    static final boolean ON = !"false".equals(System.getProperty("hammer.store.directAhead"));

    private enum State { FREE, QUEUED, READING, READY }

    /** A buffer and the piece of the data file it holds. */
    static final class Piece {
        final DirectAhead owner;
        final ByteBuffer buffer;
        State state = State.FREE;
        long snapshot;
        long from;
        int length;
        int users;
        long filled;

        Piece(DirectAhead owner, ByteBuffer buffer) {
            this.owner = owner;
            this.buffer = buffer;
        }

        /**
         * Whether this piece holds [at, at + n) of the data file as snapshot {@code snapshot} sees
         * it. Only for a piece the caller holds: its fields change only while nobody does, so they
         * are read here without the lock.
         */
        boolean covers(long snapshot, int n, long at) {
            return this.snapshot == snapshot && from <= at && at + n <= from + length;
        }
    }

    private final LmdbStore store;
    private final Piece[] pieces = new Piece[PIECES];
    /** The pieces' buffers, one after another, on huge pages where the kernel gives them: allocated as first needed. */
    private ByteBuffer memory;
    private final ArrayDeque<Piece> queue = new ArrayDeque<>();
    private long clock;
    private boolean closed;
    private final Thread[] threads = new Thread[THREADS];
    /** Pieces read, values copied out of them, and values read in place (for tests and diagnostics). */
    long piecesRead;
    long copies;
    long views;

    DirectAhead(LmdbStore store) {
        this.store = store;
    }

    /** Whether values asked for ahead are read here: not when turned off, nor where the file system refuses O_DIRECT. */
    boolean on() {
        return ColdValues.ON && ON && !store.coldRefused;
    }

    /**
     * Asks for [from, to) of the data file as snapshot {@code snapshot} sees it. Returns the
     * offset up to which it was taken (none when not {@link #on}); the caller asks for the rest
     * another way.
     */
    synchronized long ask(long snapshot, long from, long to) {
        from &= -PAGE;
        to = (to + PAGE - 1) & -PAGE;
        if (closed || !on()) {
            return from;
        }
        for (long at = from; at < to; at += PIECE) {
            long end = Math.min(to, at + PIECE);
            if (covered(snapshot, at, end)) {
                continue;
            }
            Piece p = free();
            if (p == null) {
                return at;
            }
            p.state = State.QUEUED;
            p.snapshot = snapshot;
            p.from = at;
            p.length = (int) (end - at);
            queue.add(p);
        }
        if (threads[0] == null) {
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(this::run, "hammer-store-ahead");
                threads[i].setDaemon(true);
                threads[i].start();
            }
        }
        notifyAll();
        return to;
    }

    private boolean covered(long snapshot, long from, long to) {
        for (Piece p : pieces) {
            if (p != null && p.state != State.FREE && p.snapshot == snapshot && p.from <= from
                    && p.from + p.length >= to) {
                return true;
            }
        }
        return false;
    }

    /** A buffer to read into: a free one, else the one read longest ago that nobody copies from. */
    private Piece free() {
        Piece oldest = null;
        for (int i = 0; i < pieces.length; i++) {
            Piece p = pieces[i];
            if (p == null) {
                if (memory == null) {
                    memory = Posix.hugeBuffer(PIECES * PIECE);
                }
                return pieces[i] = new Piece(this, memory.slice(i * PIECE, PIECE));
            }
            if (p.state == State.FREE) {
                return p;
            }
            if (p.state == State.READY && p.users == 0 && (oldest == null || p.filled < oldest.filled)) {
                oldest = p;
            }
        }
        return oldest;
    }

    /**
     * Copies [from, from + length) of the data file as snapshot {@code snapshot} sees it into
     * {@code dst} (from its start) if the pieces asked for hold all of it, waiting for those still
     * being read: true if copied.
     */
    boolean copy(long snapshot, long from, int length, ByteBuffer dst) {
        long end = from + length;
        long at = from;
        while (at < end) {
            Piece p = acquire(snapshot, at);
            if (p == null) {
                return false;
            }
            try {
                int n = (int) (Math.min(end, p.from + p.length) - at);
                dst.put((int) (at - from), p.buffer, (int) (at - p.from), n);
                at += n;
            } finally {
                release(p);
            }
        }
        synchronized (this) {
            copies++;
        }
        return true;
    }

    /**
     * The piece that holds all of [from, from + length) of the data file as snapshot
     * {@code snapshot} sees it, waited for if still being read and held for its caller, who reads
     * the range in place ({@link #view}) and then {@link #release}s it; null if no one piece asked
     * for holds it all. A held piece is not read into again.
     */
    synchronized Piece hold(long snapshot, long from, int length) {
        Piece p = acquire(snapshot, from);
        if (p == null) {
            return null;
        }
        if (from + length > p.from + p.length) {
            p.users--;
            return null;
        }
        views++;
        return p;
    }

    /** The bytes [from, from + length) of the data file in held piece {@code p}. */
    static ByteBuffer view(Piece p, long from, int length) {
        return p.buffer.slice((int) (from - p.from), length);
    }

    /** The piece holding byte {@code at} of {@code snapshot}, read (waited for) and held, or null. */
    private synchronized Piece acquire(long snapshot, long at) {
        while (true) {
            Piece found = null;
            for (Piece p : pieces) {
                if (p != null && p.state != State.FREE && p.snapshot == snapshot && p.from <= at
                        && at < p.from + p.length) {
                    found = p;
                    break;
                }
            }
            if (found == null || closed) {
                return null;
            }
            if (found.state == State.READY) {
                found.users++;
                return found;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Lets piece {@code p} be read into again once nobody else holds it. */
    synchronized void release(Piece p) {
        p.users--;
    }

    private void run() {
        while (true) {
            Piece p;
            synchronized (this) {
                while (queue.isEmpty() && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                p = queue.poll();
                p.state = State.READING;
            }
            boolean ok = false;
            try {
                ok = read(p);
            } catch (RuntimeException e) {
                ok = false; // read as before, whose checks say what is wrong
            } finally {
                synchronized (this) {
                    if (ok) {
                        p.state = State.READY;
                        p.filled = ++clock;
                        piecesRead++;
                    } else {
                        p.state = State.FREE;
                    }
                    notifyAll();
                }
            }
        }
    }

    /** Reads piece {@code p} inside a read transaction of its snapshot: false if that is gone or the read failed. */
    private boolean read(Piece p) {
        try (Txn t = store.env().txnRead()) {
            if (t.id() != p.snapshot) {
                return false; // a commit since: the reader asks again from its new snapshot
            }
            int got = store.env().readDirect(p.from, p.length, p.buffer);
            if (got == -EOPNOTSUPP || got == -EINVAL) {
                store.coldRefused = true;
            }
            if (got < p.length) {
                if (got > 0 && (got & (PAGE - 1)) == 0) {
                    p.length = got; // the end of the file
                    return true;
                }
                return false;
            }
            return true;
        }
    }

    /** Whether any of its threads runs (for tests). */
    boolean running() {
        for (Thread t : threads) {
            if (t != null && t.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Stops the threads, waiting for the reads under way: the store closes after this. */
    void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t != null && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
