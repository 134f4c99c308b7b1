/**
 * POSIX-like operations on one PFS, used by the mount, cpdup and tests alike. Reads work as of
 * any TID; writes add versioned records in one store transaction. A name is at most 255 bytes of
 * UTF-8 (NAME_MAX): a longer one is ENAMETOOLONG on every operation, lookups included.
 *
 * <p><b>Orphans.</b> An object whose last name goes while it is open (a file a mount has open,
 * unlinked or renamed over) outlives its name, as on a local disk: a writer built with
 * {@link org.hammer.core.fs.OpenFiles} asks whether it is still open, and if so, in the same
 * transaction as the unlink, drops only the directory entry, writes the inode with
 * {@code nlink = 0} (what fstat shows), keeps every other record, and adds the object to the
 * store's orphan list ({@link org.hammer.core.fs.Orphans}: one metadata entry per orphan,
 * {@code orphans/<pfs>/<object id>}, valued with the keeper's
 * {@linkplain org.hammer.core.fs.OpenFiles#owner owner} text). Reads and writes through the open
 * handles keep working on the object; the directory is empty and can be removed.
 * {@link org.hammer.core.fs.FsWriter#reclaim} frees an orphan in one transaction, deleting its
 * records (their history stays until pruned, as for any unlink) and its list entry: the keeper
 * does it when it closes the last handle, and, for orphans whose keeper died (a mount daemon
 * killed with SIGKILL), the next mount of the store, which tells a dead keeper by its owner text.
 * Because the list entry commits with the unlink, a crash either keeps the name (the unlink never
 * committed) or leaves a listed orphan; nothing leaks unlisted. The list is local to the store:
 * it is neither versioned nor mirrored, while the orphan's records are mirrored as any live
 * records are, and their deletion follows once it is reclaimed. pfs-destroy forgets the list of
 * the PFS it destroys.
 *
 * <p><b>Write-back.</b> {@link org.hammer.core.fs.Committer} is the flusher of a front end (the
 * mount) that takes many small changes from many threads (DESIGN.md §3):
 * <ul>
 * <li><i>Batches.</i> One writer thread runs every change, grouped into store write transactions
 * that commit after 50 ms, 32 MiB of data, or a sync, whichever comes first (both limits are
 * settings; the time is read from an injectable {@link org.hammer.core.fs.Clock}). Namespace and
 * attribute changes run before they are acknowledged; file data is written back: a write is
 * queued (at most 32 MiB queued, then writers wait for room) and acknowledged at once, or, when it
 * is small and nothing queued precedes it, run in the open transaction by its caller. Reads see
 * every acknowledged change: a read of an object's data or size queues behind its written-back
 * data that has not run yet, other reads (and that one, once its data has run) run in the open
 * transaction while it holds acknowledged changes.
 * <li><i>Durability.</i> Acknowledged is not durable: a change is in the store once its
 * transaction commits, and on stable storage once a sync has run. What
 * {@link org.hammer.core.fs.Committer#sync} acknowledges (the mount's fsync) survives a kill -9
 * of the process and a crash of the system; a commit that failed after its changes were
 * acknowledged makes the next sync fail (EIO, or ENOSPC when the store is full), so an fsync
 * never acknowledges data it lost. {@link org.hammer.core.fs.Committer#close} commits, syncs and
 * stops the writer thread; concurrent closes all return once that is done, and a task offered
 * while or after it closes fails with EIO instead of waiting for ever.
 * <li><i>A full store.</i> As each transaction begins the engine takes the store's room
 * ({@link org.hammer.core.store.Store#room}: up to its size limit or the disk's free space, with
 * the free list when that is short), and every change claims its part of it before it runs, in
 * the open transaction or on the writer thread: written-back data at its most (each block it
 * touches written anew, and the version it replaces written again as history), leaving a reserve
 * of 1 MiB; any other change 64 KiB, which may use the reserve but not the last 64 KiB a commit
 * needs for itself. A change that does not fit ends the transaction before it, so that what the
 * transaction holds is committed first, and begins the next one. Alone and still too large,
 * written-back data fails with ENOSPC on its handle before it touches the transaction; any other
 * change runs, and is acknowledged only once its transaction commits, so that if the store
 * cannot hold it, it fails alone (ENOSPC to its caller). A change that will rewrite much more
 * (a delete or truncate of a large file: marking its blocks deleted rewrites them) claims that
 * with {@link org.hammer.core.fs.Committer#claim} before it changes anything; when the
 * transaction has not the room, the engine commits what it holds and runs the change again,
 * alone. A store that fills up thus costs the changes that did not fit, never acknowledged ones.
 * The room is an estimate: a change other than data is counted, not measured, and another
 * process that writes the store meanwhile (a mirror-write into one of its slaves) takes room the
 * transaction counted on; a commit that finds the store full all the same fails as above.
 * <li><i>Other writers.</i> The engine counts its own commits against the store's
 * ({@link org.hammer.core.store.Store#commits}), as each transaction begins (no one else can
 * commit until it ends) and every 0.1 s while it is idle, and tells whoever asked
 * ({@link org.hammer.core.fs.Committer#onOtherWrites}) when another writer has committed since:
 * a mount then has the kernel drop what it keeps of the store.
 * <li><i>Errors.</i> A written-back write that fails goes to the
 * {@link org.hammer.core.fs.WriteHandle} it was written through: its slot keeps the first error
 * not yet reported, later writes through that handle are dropped (the file ends where the
 * failure was, without holes), and the next flush or fsync of the handle takes the error —
 * exactly once, one atomic slot. A failed commit also fails every handle whose data it held.
 * What nobody waits for (a failed commit, the writer thread's end) goes to an
 * {@link org.hammer.core.fs.ErrorSink}, the front end's log.
 * <li><i>Damage.</i> A read or a change through the engine that finds the store damaged (a
 * checksum or a page that does not hold) fails with it, and from then on the engine refuses every
 * change with EROFS ({@link org.hammer.core.fs.Committer#damaged}), and the transaction open
 * then is abandoned, not committed (its acknowledged writes fail at their handles' next flush or
 * fsync, as a failed commit's do): no front end writes to a store it found damaged. Reads go on,
 * so what is intact is still served; the log is told once.
 * <li><i>Threads.</i> The store's rule of one thread per write transaction holds by its
 * hand-over protocol (see {@code org.hammer.core.store}): callers run short changes and reads in
 * the open transaction on their own threads only while the writer thread waits, one at a time.
 * A task running on the writer thread, or inside the open transaction, that submits work to the
 * engine and would wait for it fails at once with an IllegalStateException (the task's caller
 * sees EIO) instead of deadlocking.
 * </ul>
 * The engine is tested without any front end: CommitterTest (batches by a clock the test moves,
 * the fail-fast cases, closes racing other calls), WriteHandleTest (the error slot under
 * threads), CommitterStressTest (seeded: writers, readers, syncs, failed commits, a full store
 * and a close with work queued; after reopening, every acknowledged fsync's data is there) and
 * CommitterSpaceTest (a write the store cannot hold fails alone).
 */
package org.hammer.core.fs;
