package org.hammer.core.mirror;

import java.io.InputStream;
import java.io.OutputStream;
import org.hammer.core.HammerException;
import org.hammer.core.transport.Pipe;

/**
 * Runs both ends of a two-way mirror at once: the source in the calling thread and the target in
 * another, joined by two in-memory pipes (or, for a remote end, by a process's stdin/stdout).
 */
public final class MirrorCopy {
    private static final int PIPE_BYTES = 4 << 20;

    private MirrorCopy() {
    }

    /** One end of a mirror, run against the streams to and from its peer. */
    public interface End {
        MirrorStats run(InputStream fromPeer, OutputStream toPeer);
    }

    /** Runs {@code source} here and {@code target} in a second thread, two-way; returns the source's stats. */
    public static MirrorStats run(End source, End target) {
        Pipe down = new Pipe(PIPE_BYTES);
        Pipe up = new Pipe(64 << 10);
        Throwable[] targetFailure = new Throwable[1];
        MirrorStats[] targetStats = new MirrorStats[1];
        Thread t = new Thread(() -> {
            try {
                targetStats[0] = target.run(down.in(), up.out());
            } catch (Throwable e) {
                targetFailure[0] = e;
            } finally {
                up.closeWriter();
                down.closeReader();
            }
        }, "mirror-write");
        t.setDaemon(true);
        t.start();
        MirrorStats stats = null;
        Throwable sourceFailure = null;
        try {
            stats = source.run(up.in(), down.out());
        } catch (Throwable e) {
            sourceFailure = e;
        } finally {
            down.closeWriter();
            up.closeReader();
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HammerException.failure("mirror-copy: interrupted");
        }
        rethrow(pick(sourceFailure, targetFailure[0]));
        return new MirrorStats(stats.batches(), stats.records(), stats.dataBytes(), stats.wireBytes(),
                targetStats[0] == null ? stats.syncedTid() : targetStats[0].syncedTid(), stats.interrupted());
    }

    /** The failure that explains the other: a refusal or corruption beats a broken pipe. */
    static Throwable pick(Throwable a, Throwable b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        if (b instanceof HammerException hb && hb.kind() != HammerException.Kind.FAILURE) {
            return b;
        }
        if (a instanceof HammerException ha && ha.kind() != HammerException.Kind.FAILURE) {
            return a;
        }
        return b instanceof HammerException ? b : a;
    }

    static void rethrow(Throwable e) {
        if (e == null) {
            return;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e instanceof Error err) {
            throw err;
        }
        throw new HammerException(HammerException.Kind.INTERNAL, e.toString(), e);
    }
}
