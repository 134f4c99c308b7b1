package org.hammer.core.fs;

import java.util.concurrent.atomic.AtomicLong;

/** A monotonic clock that moves only when a test moves it (the wall clock stays the system's). */
final class ManualClock implements Clock {
    private final AtomicLong nanos = new AtomicLong();

    void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public long epochMicros() {
        return SYSTEM.epochMicros();
    }
}
