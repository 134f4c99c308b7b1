package org.hammer.cli;

/**
 * SIGTERM as a request to finish (what {@code systemctl stop} and {@code kill} send): the
 * long-running commands (mirror-stream, the mount daemon) end their work and exit 0, instead of
 * the JVM's default of running the shutdown hooks and exiting 143. SIGINT keeps the default.
 */
public final class Termination {
    private Termination() {
    }

    /**
     * Runs {@code action} on its own thread when SIGTERM arrives; the command then returns as it
     * would when done. Returns false when the signal cannot be handled (the JVM runs with -Xrs):
     * the shutdown hooks still stop the command, with exit 143.
     */
    public static boolean onTerm(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), s -> action.run());
            return true;
        } catch (IllegalArgumentException | IllegalStateException e) {
            return false;
        }
    }

    /**
     * Runs {@code work}, a command that runs until asked to stop: SIGTERM (exit 0, see
     * {@link #onTerm}) or the JVM shutting down (SIGINT, SIGHUP) runs {@code stop}, waits up to
     * {@code grace} for {@code work} to return, then runs {@code abort} (when not null) and waits
     * as long again.
     */
    static <T> T untilStopped(String name, Runnable stop, Runnable abort, java.time.Duration grace,
            java.util.function.Supplier<T> work) {
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        Runnable stopping = () -> {
            stop.run();
            if (!await(done, grace) && abort != null) {
                abort.run();
                await(done, grace);
            }
        };
        Thread hook = new Thread(stopping, name + " stop");
        Runtime.getRuntime().addShutdownHook(hook);
        onTerm(stopping);
        try {
            return work.get();
        } finally {
            System.err.flush();
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is what stopped the work
            }
        }
    }

    private static boolean await(java.util.concurrent.CountDownLatch latch, java.time.Duration d) {
        try {
            return latch.await(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
