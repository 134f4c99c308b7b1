package org.hammer.core.mirror;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A one-way flag that asks a long-running mirror to stop, and wakes whoever sleeps on it. */
public final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);

    public void stop() {
        latch.countDown();
    }

    public boolean stopped() {
        return latch.getCount() == 0;
    }

    /** Sleeps up to {@code d}; returns false at once when stopped. */
    public boolean sleep(Duration d) {
        try {
            return !latch.await(Math.max(0, d.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
