package org.hammer.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorStream;
import org.hammer.core.mirror.StreamOptions;
import org.hammer.core.mirror.StreamStatus;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-stream}: keeps a slave up to date continuously, reconnecting lost links. */
@Command(name = "mirror-stream", description = {
    "Keep the slave DST up to date with SRC continuously, reconnecting lost links, until stopped.",
    "SIGTERM (exit 0) or SIGINT end it cleanly. New TIDs on the source, written by any process or, for a slave source, by its own upstream mirror, are "
            + "sent as they become durable, at most one round of batches per -i DELAY. A lost link (peer, ssh "
            + "or network) is logged in one line and retried after --retry plus -i seconds, resuming where the "
            + "slave stands; a source or target that is not there yet (a store not mounted at boot) is waited for "
            + "the same way, logged once; a refusal (uuid mismatch, divergence, a master as target, a slave ahead "
            + "of its source) or a usage error ends it with a non-zero exit. -t SECONDS ends each session after "
            + "that long, as HAMMER's reader timer does, and the stream reconnects after --retry plus -i seconds. "
            + "Meant to start once at boot: from cron (@reboot root /usr/local/bin/hammer mirror-stream "
            + "/Backup1/test /Backup2/test) or as the systemd unit hammer-mirror-stream@NAME."})
final class MirrorStreamCommand implements Callable<Integer> {
    /** How long a stop request waits for the current round to end before cutting the link. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Mixin
    ReaderOptionsMixin reader;

    @Mixin
    RemoteOptionsMixin remote;

    @Mixin
    S3OptionsMixin s3;

    @Option(names = "-i", paramLabel = "DELAY", description = "Least seconds between two rounds of batches "
            + "(default 1; HAMMER's is 5). 0 sends each change as soon as it is durable.")
    String delay;

    @Option(names = "--retry", paramLabel = "SECONDS",
            description = "Pause before reconnecting a lost link, plus -i (default 15, as HAMMER).")
    String retry;

    @Option(names = "-e", paramLabel = "FILE", description = "Keep a one-line status in FILE, rewritten in place: "
            + "Running, Waiting, Reconnecting, Stopped or Failed, the slave's TID, and the last error.")
    Path scoreboard;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics on "
            + "http://HOST:PORT/metrics: hammer_mirror_lag_seconds, _lag_tids, _bytes_total, _records_total, "
            + "_reconnects_total, _last_success_timestamp_seconds and _up, labelled by source and target.")
    String metrics;

    @Option(names = "--base-every", paramLabel = "DAYS", description = "To an s3:// chain: a round sends a new base "
            + "instead of an incremental once the chain's newest base is DAYS days old or older.")
    Integer baseEvery;

    @Parameters(index = "0", paramLabel = "SRC",
            description = "The source PFS (master or slave), local or [user@]host:path.")
    String src;

    @Parameters(index = "1", paramLabel = "DST",
            description = "The slave PFS, local or [user@]host:path, or a chain s3://BUCKET/PREFIX.")
    String dst;

    @Override
    public Integer call() {
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()),
                LogStream.to(spec.commandLine().getErr(), ProgressLine.of(spec.commandLine().getErr(), true)), reader)
                .withTwoWay(true);
        StreamOptions so = new StreamOptions(
                delay == null ? StreamOptions.DEFAULT_DELAY : StreamOptions.seconds("-i", delay),
                retry == null ? StreamOptions.DEFAULT_RETRY : StreamOptions.seconds("--retry", retry),
                StreamOptions.DEFAULT_HEARTBEAT, scoreboard);
        java.time.Duration every = S3OptionsMixin.baseEvery(baseEvery, dst);
        if (org.hammer.s3.S3Url.is(dst)) {
            return S3Commands.stream(src, dst, o, s3, so.delay(), so.retry(), every);
        }
        org.hammer.core.transport.Endpoint from = remote.endpoint(src);
        org.hammer.core.transport.Endpoint to = remote.endpoint(dst);
        // The Prometheus library is loaded only here, when asked for.
        org.hammer.cli.metrics.MirrorMetrics served = metrics == null ? null
                : org.hammer.cli.metrics.MirrorMetrics.serve(metrics, from, to);
        try {
            MirrorStream stream = new MirrorStream(from, to, o, so, remote.shell(),
                    q -> MirrorWriteCommand.confirm(o, q), served == null ? StreamStatus.NONE : served);
            if (served != null) {
                served.countBytes(stream::bytesSent);
            }
            return run(stream, o);
        } finally {
            if (served != null) {
                served.close();
            }
        }
    }

    private int run(MirrorStream stream, MirrorOptions o) {
        return Termination.untilStopped("mirror-stream", stream::stop, stream::abort, STOP_GRACE, () -> {
            MirrorStream.Summary s = stream.run();
            if (!o.quiet()) {
                java.io.PrintWriter err = spec.commandLine().getErr();
                err.printf("Mirror-stream %s to %s stopped: %d sessions, %d bytes sent, slave at %s%n", src, dst,
                        s.sessions(), s.bytes(), s.syncedTid() == 0 ? "its sync point" : Tid.format(s.syncedTid()));
                err.flush();
            }
            return 0;
        });
    }
}
