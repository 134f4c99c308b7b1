package org.hammer.core.cpdup;

/** The running counts of a walk, frozen into {@link CpdupStats} at its end. */
final class Counters {
    long checked;
    long copied;
    long bytes;
    long removed;
    long updated;

    CpdupStats freeze(long nanos) {
        return new CpdupStats(checked, copied, bytes, removed, updated, nanos);
    }
}
