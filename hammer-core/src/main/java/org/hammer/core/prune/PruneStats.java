package org.hammer.core.prune;

/**
 * What one prune did: change-index entries examined, records destroyed (of them directory
 * entries), the bytes they held, whether the time limit cut it short, and the PFS's sync-beg-tid
 * afterwards.
 */
public record PruneStats(long examined, long destroyed, long dirEntries, long bytes, boolean interrupted,
        long syncBegTid) {

    /** HAMMER's summary line. */
    public String summary() {
        return String.format("Pruned %d/%d records (%d directory entries) and %d bytes", destroyed, examined,
                dirEntries, bytes);
    }
}
