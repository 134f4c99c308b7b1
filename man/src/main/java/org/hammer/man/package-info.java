/**
 * Build-time generator of hammer's documentation from the picocli model of
 * {@link org.hammer.cli.Main}: the {@code hammer(8)} man page in troff, with the hand-written
 * overview of {@code man/src/overview.txt}, the bash completion script, and the README's table of
 * commands ({@link org.hammer.man.CommandTable}, checked by a test).
 */
package org.hammer.man;
