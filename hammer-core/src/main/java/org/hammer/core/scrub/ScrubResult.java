package org.hammer.core.scrub;

/**
 * What a scrub read and found: PFSes checked, records and their bytes, change-index and meta
 * entries, every byte of store data read, damaged objects, and the time it took.
 */
public record ScrubResult(int pfses, long records, long changes, long metaEntries, long bytes, long damaged,
        long nanos) {

    public boolean clean() {
        return damaged == 0;
    }

    public double seconds() {
        return nanos / 1e9;
    }

    /** Store data read per second, in MB (10^6 bytes) as bench/run and cpdup count them. */
    public double megabytesPerSecond() {
        return bytes / Math.max(seconds(), 1e-9) / 1e6;
    }

    /** {@code NAME: 2 PFSes, 10 records, 20 change entries, 5 meta entries: 1234 bytes in 0.010 s (0.1 MB/s)}. */
    public String summary(String name) {
        return String.format("%s: %d PFS%s, %d records, %d change entries, %d meta entries: %d bytes in %.3f s"
                + " (%.1f MB/s)", name, pfses, pfses == 1 ? "" : "es", records, changes, metaEntries, bytes, seconds(),
                megabytesPerSecond());
    }
}
