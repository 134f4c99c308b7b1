package org.hammer.core.mirror;

import java.time.Duration;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;

/**
 * Waits between the rounds of a streaming source until it has new durable TIDs (HAMMER.md §4.7):
 * a master's newest commit, or a slave's sync point moved by its own upstream mirror. Polls with
 * a read transaction every {@link #POLL}, which costs microseconds, so a commit is seen within
 * that; rounds start at least {@code delay} apart (-i). After {@code heartbeat} without news a
 * round runs anyway: the source then sends IDLE, so a dead link shows up as a failed write. At
 * {@code deadline} (the -t timer, {@link System#nanoTime} based, or none) a round runs at once, so
 * that the source sees its timer without waiting for news.
 */
public final class TidWatch {
    static final Duration POLL = Duration.ofMillis(10);

    private final Store store;
    private final int pfs;
    private final long delayNs;
    private final long heartbeatNs;
    private final StopSignal stop;
    private final StreamStatus status;
    private final Long deadline;
    private long lastRound = System.nanoTime();

    public TidWatch(Store store, int pfs, Duration delay, Duration heartbeat, StopSignal stop, StreamStatus status) {
        this(store, pfs, delay, heartbeat, stop, status, null);
    }

    /** As above, ending the wait at {@code deadline} ({@link System#nanoTime}), when not null. */
    public TidWatch(Store store, int pfs, Duration delay, Duration heartbeat, StopSignal stop, StreamStatus status,
            Long deadline) {
        this.store = store;
        this.pfs = pfs;
        this.delayNs = delay.toNanos();
        this.heartbeatNs = Math.max(heartbeat.toNanos(), delayNs);
        this.stop = stop;
        this.status = status;
        this.deadline = deadline;
    }

    /** True when the source should run another round after {@code sent}; false when asked to stop. */
    public boolean awaitMore(long sent) {
        status.waiting(sent);
        while (!stop.stopped()) {
            long now = System.nanoTime();
            if (deadline != null && now - deadline >= 0) {
                return true;
            }
            long sinceRound = now - lastRound;
            if (sinceRound >= delayNs) {
                boolean news = Long.compareUnsigned(end(), sent) > 0;
                if (news || sinceRound >= heartbeatNs) {
                    lastRound = now;
                    if (news) {
                        status.running(sent);
                    }
                    return true;
                }
            }
            long wait = Math.min(POLL.toNanos(), Math.max(delayNs - sinceRound, 0));
            stop.sleep(Duration.ofNanos(Math.max(wait, 1_000_000)));
        }
        return false;
    }

    private long end() {
        return store.read(r -> PfsTable.syncEndTid(r, PfsTable.get(r, pfs)));
    }
}
