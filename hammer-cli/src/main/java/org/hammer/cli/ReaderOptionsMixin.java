package org.hammer.cli;

import picocli.CommandLine.Option;

/** The options of the reading side of a mirror (hammer's -b -t -S, and zstd): what it sends and how fast. */
final class ReaderOptionsMixin {
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
}
