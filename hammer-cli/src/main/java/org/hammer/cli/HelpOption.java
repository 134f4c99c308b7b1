package org.hammer.cli;

import picocli.CommandLine.Option;

/** The {@code -h/--help} option of every subcommand (the version belongs to {@code hammer} itself). */
final class HelpOption {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean requested;
}
