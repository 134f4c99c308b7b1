package org.hammer.core.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * A HAMMER filesystem: a directory holding a header and one LMDB environment with the records,
 * the change index and the metadata of every PFS. Several processes may open one store at once.
 */
public interface Store extends AutoCloseable {

    /** Default upper bound of a store's size; the map is reserved, not allocated. */
    long DEFAULT_MAX_SIZE = 1L << 40;

    /** Creates a store (only newfs makes an LMDB environment); damage or a non-empty directory is refused. */
    static Store create(Path dir, String label, long maxSize) {
        return create(dir, label, maxSize, StoreHeader.FORMAT_VERSION);
    }

    /**
     * {@link #create(Path, String, long)} in format {@code format}, from
     * {@link StoreHeader#OLDEST_FORMAT} to {@link StoreHeader#FORMAT_VERSION} (an older one for a
     * store an older hammer must read, as newfs_hammer -V); any other is REFUSED.
     */
    static Store create(Path dir, String label, long maxSize, int format) {
        return StoreRegistry.create(dir, label, maxSize, format);
    }

    /**
     * Opens a store, sharing the environment with every other open handle of it in this process
     * (LMDB allows one per process). A damaged data file is refused (CORRUPT) and left untouched.
     */
    static Store open(Path dir) {
        return StoreRegistry.open(dir);
    }

    /**
     * How this process's commits write the blocks of large files: {@code true} past the page cache
     * (the default, which a large copy gains from: less CPU, and the page cache left to what is
     * read again), {@code false} through it (what a mount's frequent small commits gain from:
     * bench/PROFILE.md §5, "A mount's large write through the page cache"). The bytes written, their
     * order and the commit's {@code fdatasync} are the same either way. {@code HAMMER_LMDB_DIRECT}
     * (0 or 1), when set, wins. Returns whether they now go past the page cache.
     */
    static boolean preferDirectWrites(boolean direct) {
        return LmdbStore.preferDirectWrites(direct);
    }

    /**
     * Sets the size limit of the store in {@code dir} to {@code maxSize} bytes (newfs's
     * {@code --max-size}) and returns its header as it was. Only the header changes, atomically;
     * the next opening maps the new size. Refused (REFUSED) while any process, this one included,
     * has the store open, and below the end of the pages the store already has (LMDB never gives
     * those back to the disk); a damaged header or data file is CORRUPT, and nothing is changed.
     */
    static StoreHeader changeMaxSize(Path dir, long maxSize) {
        return StoreRegistry.changeMaxSize(dir, maxSize);
    }

    /**
     * Upgrades the store in {@code dir}, which no process may have open, to format {@code to}
     * (at most {@link StoreHeader#FORMAT_VERSION}; a format is never lowered): to format 3, its
     * records' data of more than 1 KiB moves into the blocks table, in commits of 16 MiB or of
     * the room the store has, each record checked first; {@code progress} hears the bytes moved so far. Refused for a store with
     * any damage. Safe to interrupt and to run again: it goes on where it stopped.
     */
    static FormatUpgrade upgradeFormat(Path dir, int to, LongConsumer progress) {
        return StoreRegistry.upgradeFormat(dir, to, progress);
    }

    /**
     * Sets what runs before this process opens a store it does not already hold open, with the
     * store's directory: the command line makes the store's mounts commit what they acknowledged,
     * so every command reads what was written through them (null: nothing).
     */
    static void beforeOpening(java.util.function.Consumer<Path> hook) {
        StoreRegistry.beforeOpening(hook);
    }

    /** True when {@code e} (or a cause of it) is a store whose size limit, or disk, is full. */
    static boolean isOutOfSpace(Throwable e) {
        return LmdbErrors.isOutOfSpace(e);
    }

    /** The header of the store in {@code dir}, read without opening the store (NOT_FOUND, or CORRUPT when damaged). */
    static StoreHeader header(Path dir) {
        return StoreHeader.read(dir);
    }

    /** True when {@code dir} holds a store header. */
    static boolean isStore(Path dir) {
        return Files.isRegularFile(dir.resolve(StoreHeader.FILE_NAME));
    }

    Path dir();

    StoreHeader header();

    /** Runs {@code work} in a read transaction: a consistent snapshot of the newest commit. */
    <T> T read(Function<StoreReader, T> work);

    /**
     * {@link #read} whose searches check only the records they return, not the entries around
     * where they land: for naming the objects a scrub found damaged, whose neighbours are often the
     * damage itself. Never for reading data a user sees.
     */
    <T> T readNear(Function<StoreReader, T> work);

    /** Runs {@code work} in a write transaction committed durably at one new TID. */
    <T> T write(Function<StoreWriter, T> work);

    /** Runs {@code work} in a write transaction that lays down received records and takes no new TID. */
    <T> T apply(Function<StoreWriter, T> work);

    /** The newest committed TID of the store. */
    long lastTid();

    /**
     * How many write transactions have been committed to the store, by any process (LMDB's last
     * transaction id). Each {@link #write} and {@link #apply} that commits adds exactly one, so
     * the count tells a writer whether anyone else has written since its own last commit.
     */
    long commits();

    /**
     * Checks every record, change-index entry and meta entry of one snapshot, reporting damage to
     * {@code listener} as found (scrub). Never changes the store.
     */
    StoreCheck.Totals check(StoreCheck.Listener listener);

    /** Forces every commit to stable storage. */
    void sync();

    /** Bytes used by the environment's pages: up to its last page, the free list's included. */
    long usedBytes();

    /**
     * About the most new pages marking records that hold {@code dataBytes} bytes of data deleted
     * takes. In store format 3 a block's data lies apart from its record, and only the record's
     * small value is written anew: its share of the leaf page copied (a 64-byte entry of a
     * 4 KiB page holding some 60), counted at twice that. In format 2 the data is in the value,
     * and LMDB writes it all again.
     */
    default long deleteRoom(long dataBytes) {
        return header().formatVersion() >= 3 ? dataBytes / 64 : dataBytes;
    }

    /**
     * Bytes of {@link #usedBytes} on the free list: pages a change, a removal or a prune gave back,
     * which new data takes before the store grows. What the store holds is
     * {@code usedBytes() - freeBytes()}. Some of them may wait, before they are taken, for the next
     * commit or for a reader of an older snapshot to move on ({@link #room} counts only the others).
     */
    long freeBytes();

    /**
     * About how many bytes of new pages a write transaction begun now can add before the store
     * reaches its size limit or the disk under it is full: the room past the pages in use, and,
     * when that is short, the pages on the free list that no reader still sees. An estimate, not
     * a promise: another process's write transaction can take some of it first.
     */
    long room();

    @Override
    void close();
}
