package org.hammer.core.fs;

/**
 * Lets a pool of threads that serve requests know that one of them is about to wait for a
 * {@link Committer}'s writer: for a change handed over to it, a drain or a sync, room in the
 * queue, or the lock a running batch or commit holds. A pool that keeps only some of its threads
 * ready for new requests (the mount's FUSE workers) sets a hook on each of its threads and can
 * put another thread to work meanwhile. The hook runs on the thread that is about to wait,
 * before it waits; a thread without one pays a {@link ThreadLocal} read on those paths only.
 */
public final class Waiting {
    private static final ThreadLocal<Runnable> HOOK = new ThreadLocal<>();

    private Waiting() {
    }

    /** Runs {@code hook} whenever the calling thread is about to wait for a committer; null: none. */
    public static void onThisThread(Runnable hook) {
        if (hook == null) {
            HOOK.remove();
        } else {
            HOOK.set(hook);
        }
    }

    /** The calling thread is about to wait. */
    static void aboutTo() {
        Runnable h = HOOK.get();
        if (h != null) {
            h.run();
        }
    }
}
