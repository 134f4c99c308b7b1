package org.hammer.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Copies one process's output to another's input in a thread, flushing as it goes, until end of
 * stream or a broken pipe; then closes the destination so its reader sees the end too.
 */
public final class Relay {
    private final Thread thread;

    private Relay(Thread thread) {
        this.thread = thread;
    }

    public static Relay start(String name, InputStream from, OutputStream to) {
        Thread t = new Thread(() -> copy(from, to), name);
        t.setDaemon(true);
        t.start();
        return new Relay(t);
    }

    private static void copy(InputStream from, OutputStream to) {
        byte[] buf = new byte[1 << 16];
        try {
            int n;
            while ((n = from.read(buf)) > 0) {
                to.write(buf, 0, n);
                to.flush();
            }
        } catch (IOException e) {
            // one side is gone: the processes' exit statuses tell why
        } finally {
            try {
                to.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** Waits until the copy has ended. */
    public void join() {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
