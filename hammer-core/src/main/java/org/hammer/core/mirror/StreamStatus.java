package org.hammer.core.mirror;

/**
 * What a mirror reports as it goes: the scoreboard file (-e) and the metrics listen to it, and a
 * progress line to {@link #progress}.
 */
public interface StreamStatus {
    StreamStatus NONE = new StreamStatus() {
    };

    /** A session started, or a round of batches after {@code tid} began. */
    default void running(long tid) {
    }

    /** Everything up to {@code tid} is on the slave; waiting for new TIDs. */
    default void waiting(long tid) {
    }

    /** The target acknowledged a batch up to {@code tid}: {@code records} records, {@code bytes} stream bytes. */
    default void synced(long tid, long records, long bytes) {
    }

    /**
     * As records arrive (or leave): the records and stream bytes of this run so far, and how many
     * records it may move in all as the source's change index bounds it (-1: not known).
     */
    default void progress(long records, long bytes, long expected) {
    }

    /** The link was lost; retrying after a pause. */
    default void lost(String why) {
    }

    /** The stream stopped: on request, or on a permanent failure ({@code why} non-null). */
    default void stopped(String why) {
    }
}
