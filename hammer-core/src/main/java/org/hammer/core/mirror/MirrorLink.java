package org.hammer.core.mirror;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.transport.ByteMeter;
import org.hammer.core.transport.Endpoint;
import org.hammer.core.transport.Relay;
import org.hammer.core.transport.RemoteProcess;
import org.hammer.core.transport.RemoteShell;

/**
 * One two-way session between a source and a target endpoint (DESIGN.md §6.7): two local ends
 * run in this process over in-memory pipes; a remote end is {@code hammer -2 mirror-read} or
 * {@code mirror-write} started through the remote shell, talking over its stdin and stdout; two
 * remote ends are joined by relaying their streams. With {@link Streaming} set the source keeps
 * sending new TIDs until asked to stop (mirror-stream).
 */
public final class MirrorLink {

    /** How a streaming session waits for news and is told to stop. */
    public record Streaming(Duration delay, Duration heartbeat, StopSignal stop, StreamStatus status) {
    }

    private final Endpoint src;
    private final Endpoint dst;
    private final MirrorOptions opts;
    private final RemoteShell shell;
    private final Predicate<String> confirm;
    private final Streaming streaming;
    private final StreamStatus progress;
    private final ByteMeter meter = new ByteMeter();
    private final List<RemoteProcess> remotes = new CopyOnWriteArrayList<>();

    /**
     * {@code confirm} answers whether a missing local slave may be created; {@code streaming} is
     * null for a single mirror.
     */
    public MirrorLink(Endpoint src, Endpoint dst, MirrorOptions opts, RemoteShell shell, Predicate<String> confirm,
            Streaming streaming) {
        this(src, dst, opts, shell, confirm, streaming, StreamStatus.NONE);
    }

    /**
     * As above, telling {@code progress} of the records moved as they go: the target's when it is
     * local, else the source's.
     */
    public MirrorLink(Endpoint src, Endpoint dst, MirrorOptions opts, RemoteShell shell, Predicate<String> confirm,
            Streaming streaming, StreamStatus progress) {
        this.progress = progress;
        this.src = src;
        this.dst = dst;
        this.opts = opts.withTwoWay(true);
        this.shell = shell;
        this.confirm = confirm;
        this.streaming = streaming;
    }

    /** Runs the session to its end; the stats are the local end's (the source's when both are). */
    public MirrorStats run() {
        if (!src.remote() && !dst.remote()) {
            return localToLocal();
        }
        if (!src.remote()) {
            return localToRemote();
        }
        return dst.remote() ? remoteToRemote() : remoteToLocal();
    }

    /** Stream bytes sent from the source so far, those of a failed session included. */
    public long bytes() {
        return meter.bytes();
    }

    /** Ends the remote processes of this session now, which makes it fail with a lost link. */
    public void abort() {
        remotes.forEach(RemoteProcess::kill);
    }

    /** The source's store is opened on this thread once the target's has begun to open on its own. */
    private MirrorStats localToLocal() {
        PfsPath[] source = new PfsPath[1];
        try (LocalTarget target = new LocalTarget(dst.path(), confirm)) {
            return MirrorCopy.run((in, out) -> {
                source[0] = PfsPath.resolve(src.path());
                return runSource(source[0], in, out, StreamStatus.NONE);
            }, (in, out) -> new MirrorTarget(target, dst.path(), opts, progress).run(in, out));
        } finally {
            if (source[0] != null) {
                source[0].close();
            }
        }
    }

    private MirrorStats localToRemote() {
        try (PfsPath source = PfsPath.resolve(src.path()); RemoteProcess r = start(dst, RemoteArgs.target(opts, dst))) {
            MirrorStats s;
            try {
                s = runSource(source, r.in(), r.out(), progress);
            } catch (RuntimeException e) {
                throw explain(e, r);
            }
            r.finish();
            return s;
        }
    }

    private MirrorStats remoteToLocal() {
        try (LocalTarget target = new LocalTarget(dst.path(), confirm);
                RemoteProcess r = start(src, RemoteArgs.source(opts, src, streaming == null ? null : streaming.delay()))) {
            MirrorStats s;
            try {
                s = new MirrorTarget(target, dst.path(), opts, progress).run(meter.wrap(r.in()), r.out());
            } catch (RuntimeException e) {
                throw explain(e, r);
            }
            r.finish();
            return s;
        }
    }

    private MirrorStats remoteToRemote() {
        try (RemoteProcess a = start(src, RemoteArgs.source(opts, src, streaming == null ? null : streaming.delay()));
                RemoteProcess b = start(dst, RemoteArgs.target(opts, dst))) {
            Relay down = Relay.start("relay " + src + " -> " + dst, meter.wrap(a.in()), b.out());
            Relay up = Relay.start("relay " + dst + " -> " + src, b.in(), a.out());
            down.join();
            up.join();
            HammerException ea = a.exitFailure(Math.max(a.awaitExit(Duration.ofSeconds(5)), 0));
            HammerException eb = b.exitFailure(Math.max(b.awaitExit(Duration.ofSeconds(5)), 0));
            MirrorCopy.rethrow(MirrorCopy.pick(ea, eb));
            return new MirrorStats(0, 0, 0, meter.bytes(), 0, false);
        }
    }

    private MirrorStats runSource(PfsPath source, InputStream in, OutputStream out, StreamStatus moving) {
        StreamStatus status = streaming == null ? moving : streaming.status();
        MirrorSource s = new MirrorSource(source.store(), source.pfs(), src.path(), opts, status);
        BooleanSupplier more = null;
        if (streaming != null) {
            Long deadline = opts.timeoutSeconds() > 0 ? System.nanoTime() + opts.timeoutSeconds() * 1_000_000_000L : null;
            TidWatch watch = new TidWatch(source.store(), source.pfs(), streaming.delay(), streaming.heartbeat(),
                    streaming.stop(), streaming.status(), deadline);
            more = () -> watch.awaitMore(s.sentTid());
        }
        return s.run(in, meter.wrap(out), more);
    }

    private RemoteProcess start(Endpoint e, List<String> args) {
        RemoteProcess r = RemoteProcess.start(shell, e, args);
        remotes.add(r);
        return r;
    }

    /**
     * A local end's failure after the remote end died says little ("stream ended"); the remote's
     * exit status says more, and keeps a refusal or usage error permanent.
     */
    private static RuntimeException explain(RuntimeException e, RemoteProcess r) {
        if (e instanceof HammerException he && he.kind() != HammerException.Kind.FAILURE
                && he.kind() != HammerException.Kind.CORRUPT) {
            return e;
        }
        r.closeOutput();
        int code = r.awaitExit(Duration.ofSeconds(2));
        HammerException x = code == -1 ? null : r.exitFailure(code);
        if (x == null) {
            return e;
        }
        HammerException out = new HammerException(x.kind(), x.getMessage() + "; " + e.getMessage(), e);
        return out;
    }

    /**
     * The arguments of the remote hammer in hammer(8)'s order, options before the command
     * ({@code hammer -2 mirror-write PATH}); only our own long option follows the command.
     */
    static final class RemoteArgs {
        private RemoteArgs() {
        }

        static List<String> target(MirrorOptions o, Endpoint e) {
            List<String> a = new ArrayList<>(List.of("-2"));
            if (o.createSlave()) {
                a.add("-y");
            }
            common(o, a);
            a.add("mirror-write");
            a.add(e.path());
            return a;
        }

        static List<String> source(MirrorOptions o, Endpoint e, Duration streamDelay) {
            List<String> a = new ArrayList<>(List.of("-2"));
            common(o, a);
            if (o.bandwidth() > 0) {
                a.add("-b");
                a.add(Long.toString(o.bandwidth()));
            }
            if (o.batchBytes() != MirrorOptions.DEFAULT_BATCH) {
                a.add("-S");
                a.add(Long.toString(o.batchBytes()));
            }
            if (o.timeoutSeconds() > 0) {
                a.add("-t");
                a.add(Long.toString(o.timeoutSeconds()));
            }
            if (streamDelay != null) {
                a.add("-i");
                a.add(seconds(streamDelay));
            }
            a.add(streamDelay == null ? "mirror-read" : "mirror-read-stream");
            if (o.zstdLevel() > 0) {
                a.add("--zstd-level");
                a.add(Integer.toString(o.zstdLevel()));
            }
            a.add(e.path());
            return a;
        }

        private static void common(MirrorOptions o, List<String> a) {
            if (o.quiet()) {
                a.add("-q");
            }
            for (int i = 0; i < o.verbose(); i++) {
                a.add("-v");
            }
        }

        static String seconds(Duration d) {
            long ms = d.toMillis();
            return ms % 1000 == 0 ? Long.toString(ms / 1000) : java.math.BigDecimal.valueOf(ms, 3)
                    .stripTrailingZeros().toPlainString();
        }
    }
}
