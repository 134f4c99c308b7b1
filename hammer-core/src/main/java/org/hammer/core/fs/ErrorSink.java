package org.hammer.core.fs;

/**
 * Where the write-back engine ({@link Committer}) reports what no caller is waiting for: a
 * commit that failed after its changes were acknowledged, the end of its writer thread, a final
 * sync that failed. Errors of written-back data also go to the {@link WriteHandle} that wrote it,
 * and a lost commit to the next sync: this sink is for the operator's log, not for callers.
 */
public interface ErrorSink {

    /** Messages on standard error, each line beginning with {@code prefix}. */
    static ErrorSink stderr(String prefix) {
        return new ErrorSink() {
            @Override
            public void commitFailed(RuntimeException e) {
                System.err.println(prefix + "a commit failed, its changes are lost: " + e.getMessage());
            }

            @Override
            public void writerFailed(Throwable e) {
                System.err.println(prefix + "the writer thread failed: " + e);
                e.printStackTrace();
            }

            @Override
            public void finalSyncFailed(RuntimeException e) {
                System.err.println(prefix + "final sync failed: " + e.getMessage());
            }

            @Override
            public void storeDamaged(String why) {
                System.err.println(prefix + "the store is damaged (" + why + "): every change is refused from"
                        + " now on (EROFS); reads of what is intact go on; hammer scrub says what is damaged");
            }
        };
    }

    /** A write transaction failed to commit: the acknowledged changes it held are lost. */
    void commitFailed(RuntimeException e);

    /** The writer thread ended on an unexpected error: every queued and later change fails (EIO). */
    void writerFailed(Throwable e);

    /** The sync of {@link Committer#close} failed. */
    void finalSyncFailed(RuntimeException e);

    /** A read or a change found the store damaged, the first time: every change after it is refused. */
    default void storeDamaged(String why) {
    }
}
