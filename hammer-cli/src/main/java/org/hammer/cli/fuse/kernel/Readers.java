package org.hammer.cli.fuse.kernel;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Which of a session's workers wait in {@code read(2)} of the device. The kernel hands each
 * request to the reader that has waited longest, so every idle worker in {@code read} is one more
 * that a request may have to wake cold, often on another CPU: on a two-CPU machine a sequential
 * caller (one create after another, {@code tar -x}) went 15–18 % faster with two workers than
 * with six (bench/PROFILE.md §5). But a worker can wait a long time for the store (a sync, a
 * commit), and requests must still be read meanwhile. So {@link #readers} workers always read,
 * and the rest are spares: parked until a worker about to wait for the store ({@link #waiting})
 * finds no other worker in {@code read}; an activated spare reads until it finishes a request
 * while another worker waits in {@code read} again, then parks.
 */
final class Readers {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition called = lock.newCondition();
    private final int readers;
    /** Workers in read(2) now, or about to be. */
    private int inRead;
    /** Spares parked, and the calls for one not taken yet. */
    private int parked;
    private int calls;
    private boolean ended;

    /** {@code readers} workers (indexes 0 to readers - 1) always read; the others are spares. */
    Readers(int readers) {
        this.readers = Math.max(1, readers);
    }

    /** True for worker {@code index}'s turn as a spare. */
    boolean spare(int index) {
        return index >= readers;
    }

    /**
     * Before worker {@code index} reads: a spare parks until it is called, unless it read last
     * time ({@code wasReading}) and no other worker is in read now. Returns false once the session
     * has ended (the worker stops).
     */
    boolean enter(int index, boolean wasReading) {
        lock.lock();
        try {
            if (spare(index)) {
                boolean active = wasReading && inRead == 0;
                while (!active && !ended) {
                    if (calls > 0) {
                        calls--;
                        active = true;
                    } else {
                        parked++;
                        called.awaitUninterruptibly();
                        parked--;
                    }
                }
            }
            if (ended) {
                return false;
            }
            inRead++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The worker's read returned (a request, or an error). */
    void left() {
        lock.lock();
        try {
            inRead--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The calling worker is about to wait for the store: when no other worker is in read and a
     * spare is parked and not yet called, one is called to read meanwhile.
     */
    void waiting() {
        lock.lock();
        try {
            if (inRead == 0 && calls < parked) {
                calls++;
                called.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The connection ended: every parked spare returns. */
    void end() {
        lock.lock();
        try {
            ended = true;
            called.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Workers in read now (for tests). */
    int inRead() {
        lock.lock();
        try {
            return inRead;
        } finally {
            lock.unlock();
        }
    }

    /** Spares parked now (for tests). */
    int parked() {
        lock.lock();
        try {
            return parked;
        } finally {
            lock.unlock();
        }
    }
}
