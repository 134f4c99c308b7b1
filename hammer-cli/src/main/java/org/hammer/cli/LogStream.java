package org.hammer.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The messages core code prints to a {@link PrintStream} (a mirror's -v lines), sent whole lines
 * at a time to the command's picocli error writer, each after clearing the progress line so the
 * two never mix on a terminal.
 */
final class LogStream extends OutputStream {
    private final PrintWriter err;
    private final ProgressLine line;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    private LogStream(PrintWriter err, ProgressLine line) {
        this.err = err;
        this.line = line;
    }

    /** A stream printing to {@code err} line by line, clearing {@code line} first. */
    static PrintStream to(PrintWriter err, ProgressLine line) {
        return new PrintStream(new LogStream(err, line), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        pending.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        if (pending.size() == 0) {
            return;
        }
        line.clear();
        err.print(pending.toString(StandardCharsets.UTF_8));
        err.flush();
        pending.reset();
    }
}
