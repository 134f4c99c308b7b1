package org.hammer.core.lmdb;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The JNI functions of {@code libhammer-native.so} (src/main/native/hammer_native.c), and how that
 * library is found: {@code -Dhammer.native.dir=DIR}, else beside this class when the classes are a
 * directory (the build), else extracted from the jar once into the user's cache directory (or a
 * private directory under the temporary one), named by the jar entry's CRC so that a new build
 * never meets an old library. LMDB itself ({@code liblmdb.so}, LMDB 0.9.33 as the lmdbjava project
 * builds it) lies beside it and is found through the library's run path.
 */
final class Native {
    static final String LIBRARY = "libhammer-native.so";
    static final String LMDB = "liblmdb.so";

    /** The directory the library was loaded from; null when it could not be loaded. */
    static final Path DIRECTORY;
    private static final String PREFIX = "hammer's native library could not be loaded: ";
    /** Why it could not be loaded, for every use after the first (the class stays usable). */
    private static final String FAILURE;

    static {
        Path dir = null;
        String failure = null;
        try {
            dir = load();
        } catch (UnsatisfiedLinkError e) {
            failure = e.getMessage() != null && e.getMessage().startsWith(PREFIX) ? e.getMessage()
                    : PREFIX + e.getMessage();
        }
        DIRECTORY = dir;
        FAILURE = failure;
        if (failure == null) {
            directWrites(directFor(System.getenv("HAMMER_LMDB_DIRECT"), true));
        }
    }

    /**
     * Whether large values go past the page cache, given {@code HAMMER_LMDB_DIRECT}'s value (null
     * or empty: unset) and what the process prefers: the operator's {@code 0} or {@code 1} wins.
     */
    static boolean directFor(String env, boolean preferred) {
        if (env == null || env.isEmpty()) {
            return preferred;
        }
        return !env.equals("0");
    }

    /** Throws, saying why, unless the library is loaded. */
    static void loaded() {
        if (FAILURE != null) {
            throw new UnsatisfiedLinkError(FAILURE);
        }
    }

    private Native() {
    }

    private static Path load() {
        String dir = System.getProperty("hammer.native.dir");
        try {
            Path lib = (dir != null ? Path.of(dir, LIBRARY) : locate()).toAbsolutePath();
            System.load(lib.toString());
            return lib.getParent();
        } catch (IOException | URISyntaxException | RuntimeException e) {
            throw new UnsatisfiedLinkError(PREFIX + e);
        }
    }

    private static Path locate() throws IOException, URISyntaxException {
        URL url = Native.class.getResource("native/" + LIBRARY);
        if (url == null) {
            throw new IOException("native/" + LIBRARY + " is not among the classes of " + Native.class.getName());
        }
        if (url.getProtocol().equals("file")) {
            return Path.of(url.toURI());
        }
        URLConnection c = url.openConnection();
        long crc = c instanceof JarURLConnection j && j.getJarEntry() != null ? j.getJarEntry().getCrc() : -1;
        String key = Long.toHexString(crc) + "-" + Long.toHexString(c.getContentLengthLong());
        for (Path base : userCache()) {
            Path lib = placed(base, key, crc != -1);
            if (lib != null) {
                return lib;
            }
        }
        // the private temporary directory, made only when the user's cache will not do
        Path tmp = privateTemp();
        Path lib = tmp == null ? null : placed(tmp, key, crc != -1);
        if (lib != null) {
            return lib;
        }
        throw new IOException("no writable directory to extract " + LIBRARY + " into");
    }

    /**
     * The library in {@code base}'s directory for {@code key}: the copy there when {@code reuse}
     * and it is whole, else one extracted now; null when it cannot be written there.
     */
    private static Path placed(Path base, String key, boolean reuse) {
        try {
            Path d = base.resolve("native-" + key);
            Path lib = d.resolve(LIBRARY);
            if (reuse && Files.isRegularFile(lib) && Files.isRegularFile(d.resolve(LMDB))) {
                return lib;
            }
            Files.createDirectories(d);
            extract(LMDB, d);
            extract(LIBRARY, d);
            return lib;
        } catch (IOException e) {
            return null;
        }
    }

    /** The user's cache directory, if there is one. */
    private static java.util.List<Path> userCache() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        if (xdg != null && !xdg.isEmpty()) {
            return java.util.List.of(Path.of(xdg, "hammer"));
        } else if (home != null && !home.isEmpty() && !home.equals("?")) {
            return java.util.List.of(Path.of(home, ".cache", "hammer"));
        }
        return java.util.List.of();
    }

    /** A directory of this user's under the shared temporary one, closed to others; null if it is not. */
    private static Path privateTemp() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "hammer-" + System.getProperty("user.name"));
        try {
            Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // checked below
        }
        if (Files.getOwner(tmp).getName().equals(System.getProperty("user.name"))
                && Files.getPosixFilePermissions(tmp).equals(PosixFilePermissions.fromString("rwx------"))) {
            return tmp;
        }
        return null;
    }

    /** Copies resource {@code name} into {@code dir} under a temporary name, then renames it. */
    private static void extract(String name, Path dir) throws IOException {
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        try (InputStream in = Native.class.getResourceAsStream("native/" + name)) {
            if (in == null) {
                throw new IOException("native/" + name + " missing");
            }
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ---- called from native code ----

    /** Handlers of LMDB assertion failures, by environment pointer. */
    static final Map<Long, Consumer<String>> ASSERT_HANDLERS = new ConcurrentHashMap<>();
    /** What a chained fault handler calls: signal number, fault address. */
    static volatile Posix.FaultListener faultListener;

    static void assertFailed(long env, String message) {
        Consumer<String> h = ASSERT_HANDLERS.get(env);
        if (h != null) {
            h.accept(message);
        }
    }

    static void faulted(int signal, long address) {
        Posix.FaultListener l = faultListener;
        if (l != null) {
            l.faulted(signal, address);
        }
    }

    // ---- LMDB ----

    static native long envOpen(String path, long mapSize, int maxDbs, int maxReaders, int flags, int mode);

    static native void envClose(long env);

    static native void envSync(long env, boolean force);

    static native int envPageSize(long env);

    static native void envInfo(long env, long[] out);

    static native int readerCheck(long env);

    /** The least snapshot (transaction id) a reader of {@code env} holds, in any process; 0 when none does. */
    static native long oldestReader(long env);

    /**
     * How LMDB's commits wrote since the library loaded (hammer_native.c, "LMDB's writes, in
     * pieces, and its large values past the page cache"), twelve numbers: whether its writev goes
     * through the library's, the calls, the calls larger than a piece, the pieces written through
     * the page cache and the largest in bytes, the most a piece may hold; whether large values may
     * go past the page cache, the direct writes, their bytes, the stretches a file system refused
     * to take direct, the least a stretch must hold to go direct, and the leaves written again
     * through the page cache after a stretch they were part of.
     */
    static native void writeStats(long[] out);

    /** Whether LMDB's large values may be written past the page cache (as {@link #directFor} chose at load). */
    static native void directWrites(boolean on);

    static native long txnBegin(long env, boolean readOnly);

    static native long txnId(long txn);

    static native void txnReset(long txn);

    static native void txnRenew(long txn);

    static native void cursorRenew(long txn, long cursor);

    static native void txnCommit(long txn);

    static native void txnAbort(long txn);

    static native int dbiOpen(long txn, String name, int flags);

    static native int dbiFlags(long txn, int dbi);

    static native boolean get(long txn, int dbi, ByteBuffer key, int kpos, int klen, ByteBuffer out);

    static native void put(long txn, int dbi, ByteBuffer key, int kpos, int klen, ByteBuffer val, int vpos, int vlen,
            int flags);

    static native void reserve(long txn, int dbi, ByteBuffer key, int kpos, int klen, int size, int flags,
            ByteBuffer out);

    static native boolean del(long txn, int dbi, ByteBuffer key, int kpos, int klen);

    static native long cursorOpen(long txn, int dbi);

    static native void cursorClose(long cursor);

    static native boolean cursorGet(long cursor, int op, ByteBuffer key, int kpos, int klen, ByteBuffer outKey,
            ByteBuffer outVal);

    static native String strerror(int rc);

    static native boolean tableRoot(long txn, byte[] name, long[] out);

    static native int checkPath(long base, long length, int pageSize, long root, int depth, long keyAddress,
            int keyLength, long leaf, int tableKeySize, long pathAddress);

    static native long[] freePages(long txn);

    static native int walkTable(long txn, byte[] name, long base, long length, int pageSize, int tableKeySize,
            long[] free, long[] seen, long[] out);

    /** A direct buffer of no bytes, for a cursor or transaction to point at values. */
    static native ByteBuffer emptyBuffer();

    static native long address(ByteBuffer direct);

    static final int MADV_NORMAL = 0;
    static final int MADV_RANDOM = 1;
    static final int MADV_WILLNEED = 3;

    /** madvise with MADV_NORMAL, MADV_RANDOM or MADV_WILLNEED: 0, else -errno. */
    static native int advise(long address, long length, int advice);

    /**
     * {@code length} bytes of fresh anonymous memory starting at a multiple of {@code align},
     * advised MADV_HUGEPAGE before anything touches it, as a direct buffer that frees nothing
     * itself ({@link #unmap}); null when the memory cannot be had.
     */
    static native ByteBuffer mapHuge(long length, long align);

    /** munmap of memory {@link #mapHuge} gave: 0, else -errno. */
    static native int unmap(long address, long length);

    /** madvise(MADV_WILLNEED) of the page holding each of the first n addresses: the count asked for, else -errno. */
    static native int willNeed(long[] addresses, int n);

    /** pread of the data file into dst (from its start) through the page cache: bytes read, else -errno. */
    static native int readCached(long env, long offset, int length, ByteBuffer dst);

    /** 1 when every page of the range is in the page cache, 0 when one is not, else -errno (mincore). */
    static native int resident(long address, long length);

    /** Reads the data file past the page cache (O_DIRECT; all three multiples of 4096): bytes read, else -errno. */
    static native int readDirect(long env, long offset, int length, ByteBuffer dst);

    // ---- system calls ----

    static native int fallocate(String path, long offset, long length);

    static native FileDescriptor fileDescriptor(int fd);

    static native int chainFaultHandler();
}
