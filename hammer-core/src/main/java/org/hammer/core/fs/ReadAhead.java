package org.hammer.core.fs;

/**
 * Tells when the reads of an open file come in sequence, and which of its bytes to ask the store
 * for ahead of them ({@link FsReader#readAhead}). A front end keeps one per open file and asks
 * {@link #next} at each read. The kernel's own readahead sends a sequential reader's reads a
 * window at a time, several in flight and served in any order, so a read counts as in sequence
 * when it lies within a {@link #WINDOW} of the furthest byte read in sequence so far. Anything
 * else (a seek, a random reader) starts again and asks for nothing until the next read follows
 * it, and so do reads shorter than {@link #MIN_READ}, which the kernel sends a reader it does not
 * see reading in sequence. While reads come in sequence, the bytes up to a window past the
 * furthest one read have been asked for; a new piece is asked for once less than half a window
 * is left. Thread-safe.
 */
public final class ReadAhead {
    /**
     * How far ahead of a sequential reader its blocks are asked for: a fresh mount's first cold
     * read of a 2 GiB file took 1.02 s with 8 MiB, 0.93 s with 16 (medians of 10 interleaved;
     * bench/PROFILE.md §5, "A longer read-ahead window").
     */
    public static final long WINDOW = 16L << 20;

    /** The shortest read that asks for more. */
    public static final long MIN_READ = 128 << 10;

    /** Bytes to ask for: [from, to). */
    public record Range(long from, long to) {
    }

    /** {@code -Dhammer.fs.readAhead=false} asks for nothing ahead. */
    static final boolean ON = !"false".equals(System.getProperty("hammer.fs.readAhead"));

    /** The end of the furthest read in sequence, or -1 before the first read. */
    private long end = -1;
    /** Asked for up to here. */
    private long asked;

    /** A read of {@code length} bytes at {@code offset}: the bytes to ask for now, or null. */
    public synchronized Range next(long offset, long length) {
        long e = offset + length;
        boolean inSequence = end >= 0 && offset <= end + WINDOW && e >= end - WINDOW;
        if (!inSequence) {
            end = e;
            asked = e;
            return null;
        }
        end = Math.max(end, e);
        if (length < MIN_READ || asked - end >= WINDOW / 2 || !ON) {
            return null;
        }
        long from = Math.max(asked, end);
        asked = end + WINDOW;
        return new Range(from, asked);
    }
}
