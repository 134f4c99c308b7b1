package org.hammer.core.mirror;

/** What one end of a mirror did: batches, records, payload bytes and wire bytes, last synced TID. */
public record MirrorStats(long batches, long records, long dataBytes, long wireBytes, long syncedTid,
        boolean interrupted) {
}
