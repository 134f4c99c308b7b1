package org.hammer.cli;

import java.io.PrintStream;
import org.hammer.core.mirror.MirrorOptions;
import picocli.CommandLine.Option;

/** The options every mirror command shares (hammer's -2 -y -z -b -t -S -q). */
final class MirrorOptionsMixin {
    @Option(names = "-2", description = "Two-way protocol: the target tells the source where it stands, so the "
            + "source sends only what the target lacks (always on for mirror-copy and mirror-stream).")
    boolean twoWay;

    @Option(names = "-y", description = "Create a missing slave PFS without asking, with the source's shared-uuid.")
    boolean yes;

    @Option(names = "-z", description = "Compress the stream with zstd (level 3, or --zstd-level).")
    boolean zstd;

    @Option(names = "--zstd-level", paramLabel = "LEVEL", description = "zstd level 1..19 (implies -z).")
    Integer zstdLevel;

    @Option(names = "-b", paramLabel = "RATE",
            description = "Bandwidth limit in bytes per second, N[k|m|g], measured after compression.")
    String bandwidth;

    @Option(names = "-t", paramLabel = "SECONDS",
            description = "Stop cleanly after this many seconds, checked after each batch; the next run resumes where "
                    + "this one stopped. For mirror-stream, each session ends after that long and the stream "
                    + "reconnects (after --retry plus -i seconds), as HAMMER's.")
    long timeout;

    @Option(names = "-S", paramLabel = "SIZE",
            description = "Batch size N[k|m|g] (default 256m): each batch ends in a sync point on the slave.")
    String batch;

    @Option(names = "-q", description = "Quiet: no progress or summary messages.")
    boolean quiet;

    MirrorOptions toOptions(int verbose, PrintStream log) {
        int level = zstdLevel != null ? zstdLevel : zstd ? 3 : 0;
        long bw = bandwidth == null ? 0 : MirrorOptions.parseSize("-b", bandwidth);
        long s = batch == null ? MirrorOptions.DEFAULT_BATCH : MirrorOptions.parseSize("-S", batch);
        if (timeout < 0) {
            throw org.hammer.core.HammerException.usage("-t " + timeout + ": expected seconds >= 0");
        }
        return new MirrorOptions(twoWay, yes, level, bw, timeout, s, null, verbose, quiet, log);
    }
}
