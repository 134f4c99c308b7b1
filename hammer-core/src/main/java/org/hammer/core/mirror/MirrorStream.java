package org.hammer.core.mirror;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.function.Predicate;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;
import org.hammer.core.transport.Endpoint;
import org.hammer.core.transport.RemoteShell;

/**
 * mirror-stream: keeps a slave up to date until stopped (DESIGN.md §6.7, HAMMER.md §4.8). Each
 * session is a streaming {@link MirrorLink}; when a link is lost (a peer, the ssh process or the
 * network dies) it logs one line, waits {@code retry + delay} and reconnects, and the two-way
 * handshake resumes from the slave's sync point and cursor. Only a permanent failure ends it: a
 * usage error, a refusal (uuid mismatch, divergence, a master as target) or a missing PFS.
 */
public final class MirrorStream {

    /** What a stream did over all its sessions. */
    public record Summary(int sessions, long bytes, long syncedTid) {
    }

    private final Endpoint src;
    private final Endpoint dst;
    private final MirrorOptions opts;
    private final StreamOptions stream;
    private final RemoteShell shell;
    private final Predicate<String> confirm;
    private final StopSignal stop = new StopSignal();
    private volatile MirrorLink current;
    private int sessions;
    private long bytes;
    private volatile long synced;

    public MirrorStream(Endpoint src, Endpoint dst, MirrorOptions opts, StreamOptions stream, RemoteShell shell,
            Predicate<String> confirm) {
        this.src = src;
        this.dst = dst;
        this.opts = opts.withTwoWay(true);
        this.stream = stream;
        this.shell = shell;
        this.confirm = confirm;
    }

    /** Asks the stream to stop: a local source ends its round and sends TERM; a remote one is cut. */
    public void stop() {
        stop.stop();
        MirrorLink l = current;
        if (l != null && src.remote()) {
            l.abort();
        }
    }

    /** Stops even a local source in the middle of a batch (the slave keeps what it committed). */
    public void abort() {
        stop.stop();
        MirrorLink l = current;
        if (l != null) {
            l.abort();
        }
    }

    /** Runs sessions until {@link #stop()}; throws on a permanent failure. */
    public Summary run() {
        Scoreboard board = stream.scoreboard() == null ? null : new Scoreboard(stream.scoreboard());
        StreamStatus status = tracking(board == null ? StreamStatus.NONE : board);
        try {
            while (!stop.stopped()) {
                String why = session(status);
                if (stop.stopped()) {
                    break;
                }
                status.lost(why);
                if (!opts.quiet()) {
                    log().printf("Mirror-stream %s to %s: link lost (%s); reconnecting in %s s%n", src, dst, why,
                            MirrorLink.RemoteArgs.seconds(stream.retry().plus(stream.delay())));
                }
                stop.sleep(stream.retry().plus(stream.delay()));
            }
            status.stopped(null);
            return new Summary(sessions, bytes, synced);
        } catch (RuntimeException e) {
            status.stopped(e.getMessage());
            throw e;
        } finally {
            if (board != null) {
                board.close();
            }
        }
    }

    /** One session; returns why it ended when that was not a stop request, throws if permanent. */
    private String session(StreamStatus status) {
        sessions++;
        MirrorLink link = new MirrorLink(src, dst, opts, shell, confirm,
                new MirrorLink.Streaming(stream.delay(), stream.heartbeat(), stop, status));
        current = link;
        if (stop.stopped()) {
            return "stopped";
        }
        status.running(0);
        try {
            MirrorStats s = link.run();
            note(s.syncedTid());
            return "the source ended the stream";
        } catch (HammerException e) {
            if (!stop.stopped() && permanent(e)) {
                throw e;
            }
            return e.getMessage();
        } catch (UncheckedIOException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            if (opts.verbose() > 0) {
                e.printStackTrace(log());
            }
            return e.toString();
        } finally {
            current = null;
            bytes += link.bytes();
        }
    }

    /** Refusals, usage errors and missing PFSes do not heal by retrying. */
    static boolean permanent(HammerException e) {
        return switch (e.kind()) {
            case USAGE, REFUSED, NOT_FOUND -> true;
            default -> false;
        };
    }

    private void note(long tid) {
        if (tid != 0 && Long.compareUnsigned(tid, synced) > 0) {
            synced = tid;
        }
    }

    /** Passes events on to {@code next}, remembering the newest TID the slave is known to have. */
    private StreamStatus tracking(StreamStatus next) {
        return new StreamStatus() {
            @Override
            public void running(long tid) {
                next.running(tid);
            }

            @Override
            public void waiting(long tid) {
                note(tid);
                next.waiting(tid);
            }

            @Override
            public void lost(String why) {
                next.lost(why);
            }

            @Override
            public void stopped(String why) {
                next.stopped(why);
            }
        };
    }

    private PrintStream log() {
        return opts.log();
    }

    @Override
    public String toString() {
        return "mirror-stream " + src + " to " + dst + " (slave at " + Tid.format(synced) + ")";
    }
}
