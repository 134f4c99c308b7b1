package org.hammer.cli;

import picocli.CommandLine.Option;

/**
 * The reader's options on mirror-write, hidden from its help: hammer(8) takes every option before
 * any command, so its scripts may pass them to mirror-write, where they do nothing (as there).
 */
final class ReaderOptionsIgnored {
    @Option(names = "-z", hidden = true, description = "A reader's option: no effect on mirror-write.")
    boolean flag;

    @Option(names = {"--zstd-level", "-b", "-t", "-S", "-i"}, hidden = true, paramLabel = "VALUE",
            description = "A reader's option: no effect on mirror-write.")
    String value;
}
