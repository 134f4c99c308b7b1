package org.hammer.cli.fuse;

/**
 * Which state of which PFS a path shows: the PFS's own default ({@code pinned == 0}: now for a
 * master, sync-end-tid for a slave) or the fixed TID of an {@code @@0x<tid>} name (read-only).
 */
record View(int pfs, long pinned) {

    static View current(int pfs) {
        return new View(pfs, 0);
    }

    boolean isPinned() {
        return pinned != 0;
    }
}
