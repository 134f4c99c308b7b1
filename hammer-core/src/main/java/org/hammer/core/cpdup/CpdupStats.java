package org.hammer.core.cpdup;

/**
 * What one cpdup run did: objects {@code checked} in the source, {@code copied} (created or
 * rewritten, hard links included), {@code bytes} of file data written, objects {@code removed}
 * from the destination, objects whose attributes alone were {@code updated}, objects that
 * {@code failed} to copy (each reported on its own; the rest was copied), and the time taken.
 */
public record CpdupStats(long checked, long copied, long bytes, long removed, long updated, long failed,
        long nanos) {

    public double seconds() {
        return nanos / 1e9;
    }

    /** One summary line: counts, bytes, time and rates. */
    public String summary() {
        double s = Math.max(seconds(), 1e-9);
        return String.format("cpdup: %d checked, %d copied (%d bytes), %d removed, %d updated%s in %.2f s"
                + " (%.0f files/s, %.1f MB/s)", checked, copied, bytes, removed, updated,
                failed > 0 ? ", " + failed + " failed" : "", seconds(), copied / s, bytes / s / 1e6);
    }
}
