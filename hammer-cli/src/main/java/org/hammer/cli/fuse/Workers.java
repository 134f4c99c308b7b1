package org.hammer.cli.fuse;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The FUSE loop's worker threads and their end. Each runs the loop's body until it returns:
 * normally when the session is over (unmounted: every worker sees it at once), abnormally on an
 * error or an exception. The first abnormal end wakes the others ({@code wake}: the session is
 * ended and the connection aborted, so that those waiting in read() return), and
 * {@link #awaitAll} returns only once every worker has returned — never while one is still inside
 * libfuse or a callback, which the teardown that follows would pull from under it.
 */
final class Workers {
    /** One worker's loop; true when it ended because the session is over, false on an error. */
    interface Body {
        boolean run();
    }

    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Runnable wake;

    Workers(String name, int count, Body body, Runnable wake) {
        this.wake = wake;
        for (int i = 0; i < count; i++) {
            Thread t = new Thread(() -> run(body), name + i);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    private void run(Body body) {
        boolean normal = false;
        try {
            normal = body.run();
        } catch (RuntimeException | Error e) {
            System.err.println("hammer mount: a FUSE worker failed: " + e);
            e.printStackTrace();
        } finally {
            if (!normal) {
                wakeOthers();
            }
        }
    }

    /** Ends the session for every worker, once. */
    void wakeOthers() {
        if (woken.compareAndSet(false, true)) {
            try {
                wake.run();
            } catch (RuntimeException e) {
                System.err.println("hammer mount: the other FUSE workers could not be woken: " + e);
            }
        }
    }

    /** Waits until every worker has returned; interrupted, wakes them first and goes on waiting. */
    void awaitAll() {
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                    wakeOthers();
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
