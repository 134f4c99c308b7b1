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
 * handshake resumes from the slave's sync point and cursor. A source or target that is not there
 * (yet: at boot the stream may start before the mounts) is waited for the same way, logged once.
 * A session the -t timer ended reconnects as HAMMER's does. Only a permanent failure ends it: a
 * usage error or a refusal (uuid mismatch, divergence, a master as target).
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
    private final StreamStatus listener;
    private final StopSignal stop = new StopSignal();
    private volatile MirrorLink current;
    private volatile int sessions;
    private volatile long bytes;
    private volatile long synced;

    public MirrorStream(Endpoint src, Endpoint dst, MirrorOptions opts, StreamOptions stream, RemoteShell shell,
            Predicate<String> confirm) {
        this(src, dst, opts, stream, shell, confirm, StreamStatus.NONE);
    }

    /** As above, telling {@code listener} (the metrics) what the stream does, besides the status file. */
    public MirrorStream(Endpoint src, Endpoint dst, MirrorOptions opts, StreamOptions stream, RemoteShell shell,
            Predicate<String> confirm, StreamStatus listener) {
        this.listener = listener;
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
        StreamStatus status = tracking(board == null ? listener : both(board, listener));
        String missing = null;
        try {
            while (!stop.stopped()) {
                Ended end = session(status);
                if (stop.stopped()) {
                    break;
                }
                status.lost(end.why());
                String pause = MirrorLink.RemoteArgs.seconds(stream.retry().plus(stream.delay()));
                if (end.missing()) {
                    // Logged once per cause: at boot this may go on until the mounts are up.
                    if (!opts.quiet() && !end.why().equals(missing)) {
                        log().printf("Mirror-stream %s to %s: waiting for %s; retrying every %s s%n", src, dst,
                                end.why(), pause);
                    }
                    missing = end.why();
                } else if (!opts.quiet()) {
                    missing = null;
                    log().printf("Mirror-stream %s to %s: %s; reconnecting in %s s%n", src, dst,
                            end.timer() ? "session ended by the -t timer (" + opts.timeoutSeconds() + " s)"
                                    : "link lost (" + end.why() + ")", pause);
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

    /** Why a session ended: the -t timer, a source or target not there, or a lost link. */
    private record Ended(String why, boolean timer, boolean missing) {
    }

    /** One session; returns why it ended when that was not a stop request, throws if permanent. */
    private Ended session(StreamStatus status) {
        sessions++;
        MirrorLink link = new MirrorLink(src, dst, opts, shell, confirm,
                new MirrorLink.Streaming(stream.delay(), stream.heartbeat(), stop, status));
        current = link;
        if (stop.stopped()) {
            return new Ended("stopped", false, false);
        }
        status.running(0);
        try {
            MirrorStats s = link.run();
            note(s.syncedTid());
            return s.interrupted() ? new Ended("timer", true, false)
                    : new Ended("the source ended the stream", false, false);
        } catch (HammerException e) {
            if (!stop.stopped() && e.kind() == HammerException.Kind.NOT_FOUND) {
                return new Ended(e.getMessage(), false, true);
            }
            if (!stop.stopped() && permanent(e)) {
                throw e;
            }
            return new Ended(e.getMessage(), false, false);
        } catch (UncheckedIOException e) {
            return new Ended(e.getMessage(), false, false);
        } catch (RuntimeException e) {
            if (opts.verbose() > 0) {
                e.printStackTrace(log());
            }
            return new Ended(e.toString(), false, false);
        } finally {
            current = null;
            bytes += link.bytes();
        }
    }

    /** Stream bytes sent from the source over all sessions so far, the current one included. */
    public long bytesSent() {
        MirrorLink l = current;
        return bytes + (l == null ? 0 : l.bytes());
    }

    /** How many sessions have started. */
    public int sessions() {
        return sessions;
    }

    /** Refusals and usage errors do not heal by retrying (a missing PFS may appear: it is waited for). */
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
            public void synced(long tid, long records, long bytes) {
                note(tid);
                next.synced(tid, records, bytes);
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

    /** Passes each event to {@code a}, then {@code b}. */
    private static StreamStatus both(StreamStatus a, StreamStatus b) {
        return new StreamStatus() {
            @Override
            public void running(long tid) {
                a.running(tid);
                b.running(tid);
            }

            @Override
            public void waiting(long tid) {
                a.waiting(tid);
                b.waiting(tid);
            }

            @Override
            public void synced(long tid, long records, long bytes) {
                a.synced(tid, records, bytes);
                b.synced(tid, records, bytes);
            }

            @Override
            public void lost(String why) {
                a.lost(why);
                b.lost(why);
            }

            @Override
            public void stopped(String why) {
                a.stopped(why);
                b.stopped(why);
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
