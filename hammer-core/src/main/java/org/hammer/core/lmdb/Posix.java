package org.hammer.core.lmdb;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The few system calls hammer needs that the JDK does not offer, from hammer's native library. */
public final class Posix {
    private static volatile boolean faultHandlerChained;

    private Posix() {
    }

    /** Hears of a segmentation fault or bus error the JVM does not handle itself. */
    public interface FaultListener {
        void faulted(int signal, long address);
    }

    /**
     * Allocates the file's blocks from {@code offset} for {@code length} bytes (fallocate(2), mode 0:
     * the file only grows). Returns 0 or the errno.
     */
    public static int fallocate(Path file, long offset, long length) {
        Native.loaded();
        return Native.fallocate(file.toString(), offset, length);
    }

    /** A FileDescriptor for descriptor {@code fd}, which this process already has open. */
    public static FileDescriptor fileDescriptor(int fd) {
        Native.loaded();
        return Native.fileDescriptor(fd);
    }

    /**
     * The directory hammer's native library was loaded from, with LMDB beside it: a process given
     * {@code -Dhammer.native.dir} of a copy of it loads it without looking further.
     */
    public static Path nativeDirectory() {
        Native.loaded();
        return Native.DIRECTORY;
    }

    /**
     * Loads hammer's native library, or throws saying why it cannot be loaded: for a class of
     * another package whose native methods the library holds (the mount's io_uring transport).
     */
    public static void loadNative() {
        Native.loaded();
    }

    /** The file names of the native libraries in {@link #nativeDirectory}. */
    public static java.util.List<String> nativeLibraries() {
        return java.util.List.of(Native.LMDB, Native.LIBRARY);
    }

    /**
     * java.nio.Buffer's address field, readable where java.nio is open to this code (the mount's
     * JVM runs so, for its FUSE binding); else null and the address comes through JNI.
     */
    private static final VarHandle BUFFER_ADDRESS = bufferAddress();

    private static VarHandle bufferAddress() {
        if (!Object.class.getModule().isOpen("java.nio", Posix.class.getModule())) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(java.nio.Buffer.class, MethodHandles.lookup())
                    .findVarHandle(java.nio.Buffer.class, "address", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A huge page's size on x86-64 and arm64 (4 KiB base pages). */
    public static final int HUGE_PAGE = 2 << 20;
    /** {@code -Dhammer.hugePages=false}: {@link #hugeBuffer} gives buffers of small pages. */
    private static final boolean HUGE_PAGES = !"false".equals(System.getProperty("hammer.hugePages"));

    /**
     * A direct buffer of {@code length} bytes that starts at a huge page and that the kernel is
     * asked to back with huge pages ({@code MADV_HUGEPAGE}), for a buffer the disk reads into
     * over and over ({@code O_DIRECT}): the kernel pins a huge page in one step where it pins 512
     * small pages one by one, and hands the disk one stretch of memory where it would hand it
     * 512. The memory is mapped apart and advised before anything touches it, so it costs nothing
     * until used and each huge page is then zeroed in one fault: a buffer the JVM allocates is
     * zeroed at once, a small page at a time, which for the store's 16 MiB of read-ahead buffers
     * was a tenth of a second in a cold read's first request (bench/PROFILE.md §5). It is unmapped
     * once the buffer and every slice of it are unreachable. Where the native library is missing,
     * or with {@code -Dhammer.hugePages=false}, it is an ordinary buffer of small pages. Zeroed, and
     * aligned to 4 KiB at least either way.
     */
    public static ByteBuffer hugeBuffer(int length) {
        if (HUGE_PAGES) {
            int rounded = (length + HUGE_PAGE - 1) & -HUGE_PAGE;
            try {
                loadNative();
                ByteBuffer mapped = Native.mapHuge(rounded, HUGE_PAGE);
                if (mapped != null) {
                    long at = address(mapped);
                    // slices keep the buffer they come from reachable, so this runs after the last of them
                    Unmapper.CLEANER.register(mapped, () -> Native.unmap(at, rounded));
                    return mapped.limit(length).slice();
                }
            } catch (RuntimeException | LinkageError e) {
                // small pages, then
            }
        }
        return ByteBuffer.allocateDirect(length + 4096).alignedSlice(4096).limit(length).slice();
    }

    /** The thread that unmaps huge buffers, started with the first of them. */
    private static final class Unmapper {
        static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();
    }

    /** The address of a direct buffer's first byte (capacity 0: any). */
    public static long address(ByteBuffer direct) {
        VarHandle a = BUFFER_ADDRESS;
        if (a != null && direct.isDirect()) {
            return (long) a.get(direct);
        }
        return Native.address(direct);
    }

    /**
     * Tells {@code listener} of segmentation faults and bus errors that the JVM does not handle
     * itself, once per process. Only when the JVM runs with its signal-chaining library
     * ({@code libjsig.so}) preloaded, which keeps the JVM's handlers first; otherwise nothing is
     * installed and false returned.
     */
    public static synchronized boolean chainFaultHandler(FaultListener listener) {
        if (faultHandlerChained) {
            return true;
        }
        String preload = System.getenv("LD_PRELOAD");
        if (preload == null || !preload.contains("libjsig")) {
            return false;
        }
        Native.faultListener = listener;
        faultHandlerChained = Native.chainFaultHandler() == 0;
        return faultHandlerChained;
    }
}
