package org.hammer.core.lmdb;

import java.nio.charset.StandardCharsets;

/**
 * The path of a search through a table's pages, checked against the keys of the branch pages on
 * it. LMDB checksums no page: a damaged child pointer that lands on another valid page sends the
 * searches for the lost page's keys there, and LMDB's answers (a key absent, a neighbour) agree
 * with the wrong pointer. {@link #check} walks the path LMDB's search takes, in the committed
 * snapshot's pages in the map, and holds every page on it to the range of keys its parent gives
 * it (child {@code i} of a branch holds keys from key {@code i} up to, not including, key
 * {@code i + 1}: LMDB's searches depend on that, so an undamaged tree never fails it).
 */
public final class Pages {
    /** The check passed (or had nothing to check). */
    public static final int OK = 0;
    /** A page lies past the file length given: the file may have grown since; ask again with its length. */
    public static final int BEYOND = -1;
    /** What {@link #describe} names a page found on the free list (its callers and the native walk). */
    public static final int FREE = 7;

    private Pages() {
    }

    /** The root page of {@code dbi} in the snapshot {@code txn} reads. */
    public record Root(long page, int depth) {
        /** True when the table has no pages at all. */
        public boolean empty() {
            return page == -1L;
        }
    }

    /**
     * The root of {@code dbi} as last committed (a write transaction's own changes are not in the
     * map until it commits), or null when the table was not committed yet.
     */
    public static Root root(Txn txn, Dbi dbi) {
        long[] out = new long[2];
        if (!Native.tableRoot(txn.live(), dbi.name().getBytes(StandardCharsets.UTF_8), out)) {
            return null;
        }
        return new Root(out[0], (int) out[1]);
    }

    /** The most pages a path can have (LMDB's own limit on a tree's depth). */
    public static final int MAX_DEPTH = 32;

    /**
     * Walks from {@code root} toward the key of {@code keyLength} bytes at {@code keyAddress}, in the
     * map at {@code base} whose file is {@code length} bytes long. With {@code leaf} ≥ 0 the walk
     * must end on that page; with {@code tableKeySize} > 0 every key looked at must have that size.
     * The pages walked are left in {@code path} (a direct buffer of {@code MAX_DEPTH + 1} longs in
     * the platform's order: their count, then their numbers). Returns {@link #OK}, {@link #BEYOND},
     * or a positive code that {@link #describe} names.
     */
    public static int check(long base, long length, int pageSize, Root root, long keyAddress, int keyLength,
            long leaf, int tableKeySize, java.nio.ByteBuffer path) {
        if (path.capacity() < (MAX_DEPTH + 1) * Long.BYTES) {
            throw new IllegalArgumentException("path buffer too small");
        }
        return Native.checkPath(base, length, pageSize, root.page(), root.depth(), keyAddress, keyLength, leaf,
                tableKeySize, Posix.address(path));
    }

    /**
     * The pages on LMDB's free list in the snapshot {@code txn} reads, as a bitmap ({@link #isFree}):
     * none of them is in that snapshot's tree (an older copy of a page stays on the list until it
     * is used again). Null when the list is damaged.
     */
    public static long[] free(Txn txn) {
        return Native.freePages(txn.live());
    }

    /** Whether {@code page} is set in a bitmap of {@link #free}. */
    public static boolean isFree(long[] free, long page) {
        long word = page >>> 6;
        return word < free.length && (free[(int) word] & (1L << page)) != 0;
    }

    /** What {@link #walk} found: {@link #OK} or a code {@link #describe} names, and the page it was found on. */
    public record Walk(int result, long page) {
    }

    /**
     * Walks every page of {@code dbi} in the snapshot {@code txn} reads (for scrub): each branch
     * and leaf page at its level and inside the range its parent gives it, its keys in order and
     * of {@code tableKeySize} bytes (when > 0), no page free ({@code free}, a bitmap of
     * {@link #free}) or reached twice ({@code seen}, a bitmap of one bit per page of the file,
     * shared by the tables of one walk), and the table's page and entry counts as its record gives them.
     */
    public static Walk walk(Txn txn, Dbi dbi, long base, long length, int pageSize, int tableKeySize, long[] free,
            long[] seen) {
        long[] out = new long[2];
        int result = Native.walkTable(txn.live(), dbi.name().getBytes(StandardCharsets.UTF_8), base, length, pageSize,
                tableKeySize, free, seen, out);
        return new Walk(result, out[0]);
    }

    /** What a positive result of {@link #check} or {@link #walk} found. */
    public static String describe(int result) {
        switch (result) {
            case 1:
                return "a branch page points outside the tree (page number out of range or not its own)";
            case 2:
                return "a branch page points to a page of the wrong kind or level";
            case 3:
                return "a page's node table does not match its nodes (a count, offset or size changed)";
            case 4:
                return "a branch page points to a page whose keys lie outside the branch's range";
            case 5:
                return "a branch page points to another page than the one holding the key";
            case 6:
                return "a branch page points to a page whose keys have another size than the table's";
            case FREE:
                return "a branch page points to a free page (an older copy of a page)";
            case 8:
                return "a page is reached twice (from two branch pages or two tables)";
            case 9:
                return "a page's keys are out of order";
            case 10:
                return "the table's page or entry counts differ from its record in the main table";
            default:
                return "the path of a search is damaged (" + result + ")";
        }
    }
}
