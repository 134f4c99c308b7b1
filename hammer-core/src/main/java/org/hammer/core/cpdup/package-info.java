/**
 * {@code hammer cpdup}: copies a directory tree into a PFS, or a PFS (as of any TID) out to a local
 * directory, as DragonFly's cpdup(1) does: modes, owners, nanosecond mtimes, symlinks, hard links
 * within the tree, fifos and device nodes, and {@code user.*} extended attributes. A later run
 * copies only what changed (a different size or mtime) and removes what is gone from the source.
 *
 * <p>The walk ({@code Walk}) is one resumable state machine over a {@code SourceTree} and a
 * {@code TargetTree}; a PFS target commits it in batches of about 16 MiB or 2000 objects, one
 * store transaction each, so large trees and multi-GiB files never sit whole in one commit or in
 * memory.
 *
 * <p>Contract: each file is copied whole or not at all. It is written into a staged file that
 * nothing shows (a PFS object without a name, recorded by {@code Staging} while an earlier commit
 * holds part of it; a hidden temporary file locally) and put in place, replacing the earlier
 * version, in one step after its last byte: a failure, or a kill at any point, never leaves part
 * of a file visible. A failure of one object (the source changed under the copy, the destination
 * refuses a name or an attribute: {@code ObjectFailure}) is reported and the copy goes on; a
 * failure of the store stops it, saying which file failed and what was committed before it. One
 * side must be a store or a mount.
 */
package org.hammer.core.cpdup;
