/**
 * The FUSE mount (DESIGN.md §1, §4, §5): {@code hammer mount} shows one PFS of a store as an
 * ordinary directory tree, served on the FUSE kernel protocol ({@link org.hammer.cli.fuse.kernel},
 * the default) or through libfuse2 (jnr-fuse, {@code -o backend=libfuse}), and {@code hammer umount}
 * takes it away.
 *
 * <p>Contract: a master is read-write; a slave, an {@code @@0x<tid>} path and a {@code -o ro}
 * mount are read-only (EROFS). A slave is seen as of its sync-end-tid, re-read on every
 * operation, so it moves forward after each mirror without a remount. In PFS #0 a PFS link
 * ({@code @@PFS%05d}) reads as {@code @@-1:%05d} (master) or {@code @@0x<sync-end-tid>:%05d}
 * (slave), and those names, looked up in any directory, lead to the root of that PFS.
 *
 * <p>Changes are grouped into store write transactions of at most ~50 ms or 32 MiB
 * ({@link org.hammer.core.fs.Committer}); the mount reads its own uncommitted changes. File data
 * is written back: a write is queued and acknowledged at once, and an error it meets later (a
 * full store: ENOSPC) is reported by the next write, close or fsync of that file descriptor, as a
 * local filesystem reports a failed write-back. {@code fsync} of any file or directory in the
 * mount commits and syncs the store, so a kill -9 of the daemon loses nothing that was fsynced;
 * other processes see a change once committed, or at once after
 * {@link org.hammer.cli.fuse.MountFlush#flush}.
 *
 * <p>Permissions are checked as on a local disk: by the kernel ({@code default_permissions}),
 * which alone sees opening a fifo or connecting to a Unix socket, and again by the mount
 * ({@link org.hammer.cli.fuse.Caller}) for every request that reaches it, so a check never rests on
 * attributes the kernel cached. Exec needs the execute bit ({@code FMODE_EXEC} in open's flags),
 * and a name over 255 bytes is ENAMETOOLONG on every operation. A differential test holds the
 * answers to those of a local disk for a non-root user. So that the kernel's checks need not fetch
 * the attributes of every directory of every path they walk, a directory's attributes are kept by
 * the kernel as long as names are ({@link org.hammer.cli.fuse.Exchange}); a change through the
 * mount drops them at once, a change by another process shows within that time, as a new name does.
 *
 * <p>With {@code -o backend=libfuse} (or {@code HAMMER_FUSE=libfuse}), libfuse2's high-level,
 * path-based API is driven by a fixed pool of Java threads
 * ({@link org.hammer.cli.fuse.FuseLoop}). It gives each name of a hard-linked file its own kernel
 * inode, so the attributes of files are never cached by the kernel ({@code attr_timeout=0}) and
 * stay right through every name. POSIX ACLs are stored as a local disk stores an ACL that the
 * mode says all of: an access ACL of only the owner, group and other entries sets the mode (cp -a
 * sets modes that way), none is ever read back (ENODATA) and removing one succeeds; any other ACL
 * is refused (EOPNOTSUPP), so tools fall back to chmod.
 * statfs shows the store: its size limit, what it uses and what is free of it (no more than the
 * disk under it has free); st_blocks counts a file's stored blocks, so a hole counts nothing. On
 * unmount the loop's teardown waits for every worker; one that fails ends the session for all.
 *
 * <p>Unlinked open files: the mount runs with libfuse's {@code hard_remove}, so unlink (or a
 * rename over) removes the name at once, as a local disk does, and a file still open lives on as
 * an orphan in the store (see {@code org.hammer.core.fs}): readable, writable, fstat shows
 * {@code nlink 0}, and its directory can be removed. {@link org.hammer.cli.fuse.Handles} knows
 * which objects are open and reclaims an orphan with its last handle; the daemon's owner text
 * ({@link org.hammer.cli.fuse.Keeper}) lets the next mount of the store reclaim orphans of a
 * daemon that was killed. libfuse2 has no path for an orphan, so requests about it that carry no
 * file handle would fail: {@link org.hammer.cli.fuse.Exchange} gives fstat's GETATTR one of its
 * handles; fchmod, fchown, futimens and the f*xattr calls on it fail with ENOENT.
 *
 * <p>The kernel-protocol backend (the default, {@code -o backend=kernel};
 * {@link org.hammer.cli.fuse.KernelFs} on {@link org.hammer.cli.fuse.kernel}) speaks to
 * {@code /dev/fuse} itself with the same semantics classes. It names objects by node ids
 * ({@link org.hammer.cli.fuse.NodeIds}) counted by the kernel's lookups, so a hard-linked file is
 * one kernel inode, and the kernel keeps the names and attributes of a master for a minute and
 * of fixed TIDs for a second, a name's absence as long, and their files' cached data and
 * directories' listings across opens. Directories are read without being opened (OPENDIR
 * answered ENOSYS once, so no OPENDIR or RELEASEDIR after it); each READDIR is read from the store
 * after its offset, a 63-bit form of the last entry's cookie. The engine finds another process's commits to the store
 * within 0.1 s ({@link org.hammer.core.fs.Committer#onOtherWrites}), and the mount then has the
 * kernel drop what it keeps of each node and name they changed in a master it shows, as the
 * store's change index lists them (never every name: one dropped that something is mounted on
 * takes that mount with it). The kernel itself drops what a change
 * through the mount makes stale, and the mount tells it (notify_inval_inode) of a set-group-id
 * bit a write dropped or an ACL set (before the request is answered) and of every node of a slave
 * seen at a new sync-end-tid. A slave's names and
 * directory attributes are kept 0.1 s, its files' attributes not at all, as with libfuse2. An
 * unlinked open file keeps its node id, so no Exchange is needed; an open with O_TRUNC truncates
 * (FUSE_ATOMIC_O_TRUNC). The mount clears set-id bits itself where the kernel says a caller
 * without CAP_FSETID writes, truncates or chowns (FUSE_HANDLE_KILLPRIV_V2), so the kernel does not
 * ask for {@code security.capability} before every write; a handle opened to write alone bypasses
 * the kernel's page cache (FOPEN_DIRECT_IO), so the kernel does not ask it before the first either,
 * and the mount drops a capability such a write drops. A user other than root mounts through
 * {@code fusermount3}, without {@code allow_other} unless fuse.conf has {@code user_allow_other}.
 * The kernel's write-back cache stays off: it would keep a regular file's size and mtime as the
 * kernel last wrote them, never as the store says, and a slave seen through a PFS link of a master
 * mount moves forward under it (bench/PROFILE.md §5). libfuse2 is not loaded.
 *
 * <p>Diagnostics: the daemon logs to {@code $HAMMER_RUN_DIR/mount-<hash>.log};
 * {@code HAMMER_MOUNT_JAVA_OPTS} passes JVM options to the daemon alone, and
 * {@code -Dhammer.debug=true} there logs every write transaction's size and commit time;
 * {@code -Dhammer.fuse.profile=true} (kernel protocol) the requests, wall and CPU time per opcode
 * when the mount ends.
 */
package org.hammer.cli.fuse;
