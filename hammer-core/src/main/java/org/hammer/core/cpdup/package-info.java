/**
 * {@code hammer cpdup}: copies a directory tree into a PFS, or a PFS (as of any TID) out to a local
 * directory, as DragonFly's cpdup(1) does: modes, owners, nanosecond mtimes, symlinks, hard links
 * within the tree, fifos and device nodes, and {@code user.*} extended attributes. A later run
 * copies only what changed (a different size or mtime) and removes what is gone from the source.
 *
 * <p>The walk ({@code Walk}) is one resumable state machine over a {@code SourceTree} and a
 * {@code TargetTree}; a PFS target commits it in batches of about 8 MiB or 2000 objects, one
 * store transaction each, so large trees and multi-GiB files never sit whole in one commit or in
 * memory.
 */
package org.hammer.core.cpdup;
