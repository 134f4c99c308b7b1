package org.hammer.core.cpdup;

/** The running counts of a walk, frozen into {@link CpdupStats} at its end. */
final class Counters {
    long checked;
    long copied;
    long bytes;
    long removed;
    long updated;
    long failed;

    CpdupStats freeze(long nanos) {
        return new CpdupStats(checked, copied, bytes, removed, updated, failed, nanos);
    }

    /** A snapshot of the counts (as of a commit). */
    Counters copy() {
        Counters c = new Counters();
        c.checked = checked;
        c.copied = copied;
        c.bytes = bytes;
        c.removed = removed;
        c.updated = updated;
        c.failed = failed;
        return c;
    }

    /** "1 object (1 byte)", "3 objects (1024 bytes)". */
    static String objects(long objects, long bytes) {
        return objects + (objects == 1 ? " object (" : " objects (") + bytes + (bytes == 1 ? " byte)" : " bytes)");
    }
}
