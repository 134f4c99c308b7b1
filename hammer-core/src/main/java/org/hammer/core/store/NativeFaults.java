package org.hammer.core.store;

import java.nio.file.Path;
import org.hammer.core.lmdb.Posix;

/**
 * Turns a fault in LMDB's native code into hammer's exit 5. LMDB trusts its pages: a bit flipped
 * in a leaf node's flags (F_DUPDATA on a table without duplicates) makes it follow a null
 * pointer, and no check from Java can come first. When the JVM runs with its signal-chaining
 * library ({@code libjsig.so}, preloaded by the launcher), a handler installed here hears of the
 * segmentation faults and bus errors the JVM does not handle itself (its own, such as implicit
 * null checks, never reach it): it names the store the faulting thread was reading, in one line
 * on stderr, and ends the process with status 5. Nothing is committed after the fault. Without
 * the library nothing is installed and such a fault stays a JVM crash.
 */
final class NativeFaults {
    private static final ThreadLocal<Path> READING = new ThreadLocal<>();
    private static volatile boolean installed;

    private NativeFaults() {
    }

    /** Installs the handlers once per process, when the JVM chains signals. */
    static void install() {
        if (!installed) {
            installed = true;
            Posix.chainFaultHandler(NativeFaults::fault);
        }
    }

    /** Marks {@code dir} as the store this thread works in; returns the one to restore with {@link #leave}. */
    static Path enter(Path dir) {
        Path outer = READING.get();
        READING.set(dir);
        return outer;
    }

    static void leave(Path outer) {
        if (outer == null) {
            READING.remove();
        } else {
            READING.set(outer);
        }
    }

    private static void fault(int sig, long address) {
        Path dir = READING.get();
        System.err.println("hammer: " + (dir == null ? "a store" : dir.toString())
                + ": store damaged: LMDB faulted (signal " + sig + ") reading a damaged page; hammer scrub lists all damage");
        if (Boolean.getBoolean("hammer.debug.faults")) {
            new Throwable("fault in " + Thread.currentThread().getName() + " at address 0x"
                    + Long.toHexString(address)).printStackTrace();
        }
        System.err.flush();
        java.lang.Runtime.getRuntime().halt(5);
    }
}
