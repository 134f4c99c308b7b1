package org.hammer.core.store;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Delegate;

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
    private static final int SIGBUS = 7;
    private static final int SIGSEGV = 11;
    private static final int SA_SIGINFO = 4;
    /**
     * The handler is Java code: the JVM's own uses of SIGSEGV (safepoint polls, implicit null
     * checks) may happen inside it and must reach the JVM's handler, so the signal stays unblocked.
     */
    private static final int SA_NODEFER = 0x40000000;
    /** glibc's struct sigaction: handler, 128-byte mask, flags, restorer. */
    private static final int SIGACTION_BYTES = 152;
    private static final int FLAGS_OFFSET = 136;

    /** libc's sigaction. */
    public interface LibC {
        /** A three-argument signal handler. */
        interface Handler {
            @Delegate
            void call(int sig, Pointer info, Pointer context);
        }

        int sigaction(int sig, Pointer act, Pointer old);
    }

    private static final ThreadLocal<Path> READING = new ThreadLocal<>();
    private static final LibC.Handler HANDLER = NativeFaults::fault;
    private static volatile boolean installed;

    private NativeFaults() {
    }

    /** Installs the handlers once per process, when the JVM chains signals. */
    static void install() {
        if (installed) {
            return;
        }
        synchronized (NativeFaults.class) {
            if (installed) {
                return;
            }
            installed = true;
            String preload = System.getenv("LD_PRELOAD");
            if (preload == null || !preload.contains("libjsig")) {
                return;
            }
            try {
                // sigaction through libjsig itself, which keeps the JVM's handler and chains ours
                // (libc's own sigaction, reached by a library lookup, would replace the JVM's).
                String jsig = java.util.Arrays.stream(preload.split("[: ]")).filter(x -> x.contains("libjsig"))
                        .findFirst().orElseThrow();
                LibC c = LibraryLoader.create(LibC.class).failImmediately().load(jsig);
                Runtime rt = Runtime.getRuntime(c);
                Pointer fn = rt.getClosureManager().getClosurePointer(LibC.Handler.class, HANDLER);
                Pointer act = Memory.allocateDirect(rt, SIGACTION_BYTES, true);
                act.putAddress(0, fn.address());
                act.putInt(FLAGS_OFFSET, SA_SIGINFO | SA_NODEFER);
                c.sigaction(SIGSEGV, act, null);
                c.sigaction(SIGBUS, act, null);
                KEEP[0] = act;
            } catch (LinkageError | RuntimeException e) {
                // no handler: a fault stays a crash
            }
        }
    }

    private static final Object[] KEEP = new Object[1];

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

    private static void fault(int sig, Pointer info, Pointer context) {
        Path dir = READING.get();
        System.err.println("hammer: " + (dir == null ? "a store" : dir.toString())
                + ": store damaged: LMDB faulted (signal " + sig + ") reading a damaged page; hammer scrub lists all damage");
        if (Boolean.getBoolean("hammer.debug.faults")) {
            new Throwable("fault in " + Thread.currentThread().getName() + " code " + info.getInt(8) + " addr 0x"
                    + Long.toHexString(info.getLong(16))).printStackTrace();
        }
        System.err.flush();
        java.lang.Runtime.getRuntime().halt(5);
    }
}
