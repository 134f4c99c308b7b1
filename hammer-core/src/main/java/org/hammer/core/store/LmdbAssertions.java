package org.hammer.core.store;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import org.lmdbjava.Env;

/**
 * LMDB checks some of its page invariants with assertions that call {@code abort()}: on a damaged
 * page (a branch entry that leads to a page that is not a leaf, say) the JVM would die with a
 * core dump. LMDB lets an environment name a function to call first
 * ({@code mdb_env_set_assert}); ours reports the damage in hammer's one line and ends the process
 * with exit status 5 before LMDB can abort. Nothing is written after that line: a write
 * transaction in progress is simply never committed. Best effort: where the library cannot be
 * found the assertion aborts as before.
 */
final class LmdbAssertions {

    /** The one LMDB function lmdbjava does not bind. */
    public interface Native {
        /** {@code MDB_assert_func}. */
        interface AssertFunc {
            @Delegate
            void call(Pointer env, String message);
        }

        int mdb_env_set_assert(Pointer env, AssertFunc func);
    }

    private static final Map<Long, Path> DIRS = new ConcurrentHashMap<>();
    private static final Native.AssertFunc HANDLER = LmdbAssertions::failed;
    private static volatile Native lib;
    private static volatile boolean unavailable;

    private LmdbAssertions() {
    }

    /** Makes an LMDB assertion failure in {@code env} exit 5 naming {@code dir}. */
    static void install(Env<?> env, Path dir) {
        Native n = lib();
        if (n == null) {
            return;
        }
        try {
            Pointer p = pointer(env);
            DIRS.put(p.address(), dir);
            n.mdb_env_set_assert(p, HANDLER);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (Boolean.getBoolean("hammer.debug.assert")) {
                e.printStackTrace();
            }
        }
    }

    static void remove(Env<?> env) {
        if (lib == null) {
            return; // nothing was registered
        }
        try {
            DIRS.remove(pointer(env).address());
        } catch (ReflectiveOperationException | RuntimeException e) {
            // nothing registered
        }
    }

    /** The {@code MDB_env} pointer lmdbjava keeps to itself. */
    private static Pointer pointer(Env<?> env) throws ReflectiveOperationException {
        Method m = Env.class.getDeclaredMethod("pointer");
        m.setAccessible(true);
        return (Pointer) m.invoke(env);
    }

    private static void failed(Pointer env, String message) {
        Path dir = env == null ? null : DIRS.get(env.address());
        System.err.println("hammer: " + (dir == null ? "a store" : dir) + ": store damaged: LMDB met an inconsistent page ("
                + message + "); hammer scrub lists all damage");
        System.err.flush();
        Runtime.getRuntime().halt(5);
    }

    private static Native lib() {
        if (lib == null && !unavailable) {
            synchronized (LmdbAssertions.class) {
                if (lib == null && !unavailable) {
                    String path = libraryPath();
                    try {
                        lib = path == null ? null : LibraryLoader.create(Native.class).failImmediately().load(path);
                    } catch (LinkageError | RuntimeException e) {
                        if (Boolean.getBoolean("hammer.debug.assert")) {
                            e.printStackTrace();
                        }
                        lib = null;
                    }
                    if (Boolean.getBoolean("hammer.debug.assert")) {
                        System.err.println("lmdb assert hook: " + path + " -> " + lib);
                    }
                    unavailable = lib == null;
                }
            }
        }
        return lib;
    }

    /** The LMDB library lmdbjava loaded: its property, else the extracted file mapped into this process. */
    private static String libraryPath() {
        String p = System.getProperty("lmdbjava.native.lib");
        if (p != null) {
            return p;
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int at = line.indexOf('/');
                if (at > 0 && line.contains("lmdbjava-native-library")) {
                    return line.substring(at).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
