/**
 * Build-time generator of hammer's documentation from the picocli model of
 * {@link org.hammer.cli.Main}: the {@code hammer(8)} man page in troff, with the hand-written
 * overview of {@code man/src/overview.txt}, and the bash completion script.
 */
package org.hammer.man;
