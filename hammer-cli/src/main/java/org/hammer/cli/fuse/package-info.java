/**
 * The FUSE mount (DESIGN.md §1, §4, §5): {@code hammer mount} shows one PFS of a store as an
 * ordinary directory tree through libfuse2 (jnr-fuse), and {@code hammer umount} takes it away.
 *
 * <p>Contract: a master is read-write; a slave, an {@code @@0x<tid>} path and a {@code -o ro}
 * mount are read-only (EROFS). A slave is seen as of its sync-end-tid, re-read on every
 * operation, so it moves forward after each mirror without a remount. In PFS #0 a PFS link
 * ({@code @@PFS%05d}) reads as {@code @@-1:%05d} (master) or {@code @@0x<sync-end-tid>:%05d}
 * (slave), and those names, looked up in any directory, lead to the root of that PFS.
 *
 * <p>Changes are applied by one writer thread that groups them into store write transactions of
 * at most ~50 ms or 32 MiB ({@link org.hammer.cli.fuse.Committer}); the mount reads its own
 * uncommitted changes. {@code fsync} of any file or directory in the mount commits and syncs the
 * store, so a kill -9 of the daemon loses nothing that was fsynced.
 */
package org.hammer.cli.fuse;
