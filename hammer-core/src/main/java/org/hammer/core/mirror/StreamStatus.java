package org.hammer.core.mirror;

/** What a mirror stream reports as it goes: the scoreboard file (-e) and the metrics listen to it. */
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

    /** The link was lost; retrying after a pause. */
    default void lost(String why) {
    }

    /** The stream stopped: on request, or on a permanent failure ({@code why} non-null). */
    default void stopped(String why) {
    }
}
