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
}
