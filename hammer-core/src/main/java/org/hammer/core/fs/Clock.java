package org.hammer.core.fs;

import java.time.Instant;

/**
 * The time the write-back engine ({@link Committer}) goes by: a monotonic clock for the deadline
 * of its batches and a wall clock for the times it stamps on changes. Tests pass one they move
 * by hand, so that what a batch holds depends on them and not on the machine's speed.
 */
public interface Clock {
    /** The system's clocks. */
    Clock SYSTEM = new Clock() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public long epochMicros() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        }
    };

    /** Monotonic nanoseconds (as {@link System#nanoTime}): only differences mean anything. */
    long nanoTime();

    /** Microseconds since the epoch, for mtime and ctime. */
    long epochMicros();
}
