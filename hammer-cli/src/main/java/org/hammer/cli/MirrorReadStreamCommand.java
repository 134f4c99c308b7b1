package org.hammer.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.StopSignal;
import org.hammer.core.mirror.StreamOptions;
import org.hammer.core.mirror.StreamStatus;
import org.hammer.core.mirror.TidWatch;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-read-stream}: mirror-read that keeps sending new TIDs until stopped. */
@Command(name = "mirror-read-stream", description = {
    "Like mirror-read, but instead of ending after the current sync point, wait for new durable TIDs on "
            + "the PFS and send them too, until stopped or the target goes away. This is what mirror-stream "
            + "runs on a remote source."})
final class MirrorReadStreamCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Mixin
    ReaderOptionsMixin reader;

    @Option(names = "-i", paramLabel = "DELAY",
            description = "Least seconds between two rounds of batches (default 1).")
    String delay;

    @Parameters(index = "0", paramLabel = "PFS", description = "The master or slave PFS to read.")
    String path;

    @Parameters(index = "1", arity = "0..1", paramLabel = "BEGIN-TID",
            description = "Send only changes after this TID (0x hex or decimal; one-way use).")
    String beginTid;

    @Override
    public Integer call() {
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()),
                LogStream.to(spec.commandLine().getErr(), ProgressLine.of(spec.commandLine().getErr(), true)), reader);
        if (beginTid != null) {
            o = o.withBeginTid(Tid.parseAuto(beginTid));
        }
        Duration d = delay == null ? StreamOptions.DEFAULT_DELAY : StreamOptions.seconds("-i", delay);
        StopSignal stop = new StopSignal();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.stop();
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "mirror-read-stream stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (PfsPath p = PfsPath.resolve(path)) {
            MirrorSource source = new MirrorSource(p.store(), p.pfs(), path, o);
            Long deadline = o.timeoutSeconds() > 0 ? System.nanoTime() + o.timeoutSeconds() * 1_000_000_000L : null;
            TidWatch watch = new TidWatch(p.store(), p.pfs(), d, StreamOptions.DEFAULT_HEARTBEAT, stop,
                    StreamStatus.NONE, deadline);
            source.run(o.twoWay() ? StdStreams.in() : null, StdStreams.out(), () -> watch.awaitMore(source.sentTid()));
            return 0;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook stopped us
            }
        }
    }
}
