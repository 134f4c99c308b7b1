package org.hammer.core.transport;

import java.util.List;
import java.util.Map;

/**
 * Starts the other programs hammer runs (ssh, fusermount, diff, an editor, mkfifo) with the
 * environment the user gave hammer. The launcher preloads the JVM's signal-chaining library
 * ({@code libjsig.so}, so LMDB's faults on a damaged page become exit 5, see the store package);
 * it records the user's own {@code LD_PRELOAD} in {@value #SAVED}, and children get that back: in
 * a program that is not a JVM, libjsig prints a warning on stdout, which may be a mirror stream.
 */
public final class ChildProcesses {
    /** Where the launcher keeps the user's LD_PRELOAD (empty when there was none). */
    public static final String SAVED = "HAMMER_LD_PRELOAD";

    private ChildProcesses() {
    }

    /** A process builder for {@code command} whose environment is the user's. */
    public static ProcessBuilder builder(List<String> command) {
        ProcessBuilder pb = new ProcessBuilder(command);
        restore(pb.environment());
        return pb;
    }

    public static ProcessBuilder builder(String... command) {
        return builder(List.of(command));
    }

    /** Puts the user's LD_PRELOAD back into {@code env}; the JVMs hammer starts keep the library. */
    static void restore(Map<String, String> env) {
        String saved = env.remove(SAVED);
        if (saved == null) {
            return;
        }
        if (saved.isEmpty()) {
            env.remove("LD_PRELOAD");
        } else {
            env.put("LD_PRELOAD", saved);
        }
    }
}
