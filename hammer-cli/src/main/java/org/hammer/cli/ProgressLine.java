package org.hammer.cli;

import java.io.PrintWriter;

/**
 * A progress line on a terminal, redrawn in place: a carriage return, the text, and an erase to
 * the end of the line (ECMA-48 EL, {@code ESC [ K}), at most ten times a second. Off, it prints
 * nothing. Whatever else goes to the terminal must {@link #clear} it first.
 */
final class ProgressLine {
    private static final long EVERY_NANOS = 100_000_000L;
    private static final String ERASE = "\033[K";

    private final PrintWriter err;
    private final boolean on;
    private long lastDrawn;
    private boolean shown;

    ProgressLine(PrintWriter err, boolean on) {
        this.err = err;
        this.on = on;
    }

    /**
     * Draws the text unless the last draw was less than a tenth of a second ago. The text is made
     * only when drawn: formatting numbers loads the JDK's locale data, ~10 ms of a short command.
     */
    void show(java.util.function.Supplier<String> text) {
        if (!on) {
            return;
        }
        long now = System.nanoTime();
        if (shown && now - lastDrawn < EVERY_NANOS) {
            return;
        }
        err.print("\r" + text.get() + ERASE);
        err.flush();
        lastDrawn = now;
        shown = true;
    }

    /** Erases the line, if one is shown. */
    void clear() {
        if (shown) {
            err.print("\r" + ERASE);
            err.flush();
            shown = false;
        }
    }

    /** {@code m:ss}, or {@code h:mm:ss} from an hour on: a time left. */
    static String duration(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format("%d:%02d", s / 60, s % 60);
    }

    /** On for a command's progress unless -q, and only when standard error is a terminal. */
    static ProgressLine of(java.io.PrintWriter err, boolean quiet) {
        return new ProgressLine(err, !quiet && Terminal.stderrIsTerminal());
    }
}
