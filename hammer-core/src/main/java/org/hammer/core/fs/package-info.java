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
 */
package org.hammer.core.fs;
