package org.hammer.core.history;

import org.hammer.core.tid.Tid;

/**
 * An object found by path, possibly in the past: its PFS and inode number, the TID it is seen at
 * ({@code asOf}: the path's own TID, or just before the deletion of a name that no longer exists)
 * and whether the path names it in the PFS's current view.
 */
public record Located(int pfs, long ino, long asOf, boolean current) {

    @Override
    public String toString() {
        return String.format("PFS#%d obj %016x as of %s%s", pfs, ino, Tid.format(asOf), current ? "" : " (deleted)");
    }
}
