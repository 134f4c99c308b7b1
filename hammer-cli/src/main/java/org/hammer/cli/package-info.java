/**
 * The {@code hammer} command line: {@link org.hammer.cli.Main} maps errors to exit codes once
 * (DESIGN.md §7), and each subcommand is one {@code Callable<Integer>} class named after it
 * ({@code MirrorReadCommand} is {@code mirror-read}). Commands print through
 * {@code spec.commandLine().getOut()/getErr()} so that tests can capture them in-process.
 * Options given before the command, hammer(8) style, are moved after it first
 * ({@link org.hammer.cli.LeadingOptions}).
 */
package org.hammer.cli;
