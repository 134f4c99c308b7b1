/**
 * The history of objects (HAMMER.md §1.10 {@code history}, {@code undo}): the TIDs at which an
 * object changed, its content as of any of them, and finding an object by a path that no longer
 * exists (a deleted file) in the history of its directory.
 */
package org.hammer.core.history;
