package org.hammer.core.scrub;

/**
 * How far the checksum walk of a scrub is: bytes of store data and entries read, the bytes the
 * store's pages use (0 when only one PFS is walked: its share is not known), and the time since
 * the walk began.
 */
public record ScrubProgress(long bytes, long entries, long totalBytes, long nanos) {

    public double bytesPerSecond() {
        return nanos <= 0 ? 0 : bytes / (nanos / 1e9);
    }

    /** Done as a fraction of the store's used bytes (at most 1), or -1 when that is not known. */
    public double fraction() {
        return totalBytes <= 0 ? -1 : Math.min(1.0, (double) bytes / totalBytes);
    }

    /** Seconds left at the rate so far, or -1 when the total or the rate is not known yet. */
    public long etaSeconds() {
        double rate = bytesPerSecond();
        if (totalBytes <= 0 || rate <= 0) {
            return -1;
        }
        return (long) Math.ceil(Math.max(0, totalBytes - bytes) / rate);
    }
}
