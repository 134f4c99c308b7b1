package org.hammer.core.mirror;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;

/**
 * The status file of mirror-stream (-e), after HAMMER's scoreboard (HAMMER.md §1.10): one line
 * of fixed columns rewritten in place, so {@code cat} or a monitoring probe always reads a whole
 * line. Columns 0-19 the state (Running, Waiting, Reconnecting, Stopped, Failed), 20-99 the
 * slave's TID, the session count and the time of the change, 100-199 the last error.
 */
public final class Scoreboard implements StreamStatus, AutoCloseable {
    static final int WIDTH = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Path file;
    private final FileChannel channel;
    private long tid;
    private int sessions;
    private String error = "";

    public Scoreboard(Path file) {
        this.file = file;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel.truncate(WIDTH + 1);
        } catch (IOException e) {
            throw HammerException.failure("-e " + file + ": cannot write the status file: " + e.getMessage());
        }
    }

    @Override
    public synchronized void running(long t) {
        if (t == 0) {
            sessions++;
        } else {
            tid = t;
        }
        write("Running");
    }

    @Override
    public synchronized void waiting(long t) {
        tid = t;
        write("Waiting");
    }

    @Override
    public synchronized void lost(String why) {
        error = why;
        write("Reconnecting");
    }

    @Override
    public synchronized void stopped(String why) {
        if (why != null) {
            error = why;
        }
        write(why == null ? "Stopped" : "Failed");
    }

    /** The line as it is written: exactly {@link #WIDTH} characters and a newline. */
    static String line(String state, long tid, int sessions, String time, String error) {
        String mid = "slave=" + (tid == 0 ? "unknown" : Tid.format(tid)) + " sessions=" + sessions + " at=" + time;
        String l = pad(pad(state, 20) + pad(mid, 80) + error, WIDTH);
        return l.replaceAll("[^\\x20-\\x7e]", "?") + "\n";
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s.substring(0, width) : s + " ".repeat(width - s.length());
    }

    private void write(String state) {
        String l = line(state, tid, sessions, LocalDateTime.now().format(TIME), error);
        try {
            ByteBuffer b = ByteBuffer.wrap(l.getBytes(StandardCharsets.US_ASCII));
            long pos = 0;
            while (b.hasRemaining()) {
                pos += channel.write(b, pos);
            }
        } catch (IOException e) {
            // a status file must never stop the mirror
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to flush
        }
    }

    @Override
    public String toString() {
        return "scoreboard " + file;
    }
}
