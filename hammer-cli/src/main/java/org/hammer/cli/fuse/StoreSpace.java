package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.store.Store;

/**
 * What statfs reports on a mount, in blocks of {@link #BLOCK} bytes: the store's size limit, what
 * of it is free (pages on the store's free list included), and what of that a writer can use (the
 * free list, and growth no larger than the disk under the store has free, less the room the
 * write-back engine keeps for names and attributes, {@link Committer#ROOM_RESERVE}). Both FUSE backends answer with it.
 */
record StoreSpace(long blocks, long free, long available) {
    static final int BLOCK = 4096;

    static StoreSpace of(Store store, Path storeDir) {
        try {
            long limit = store.header().maxSize();
            long pages = Math.min(store.usedBytes(), limit);
            // The free list's pages are free, and already in the data file: removals and prunes
            // give room back there. Only growth past the last page needs the disk.
            long freeList = Math.min(store.freeBytes(), pages);
            long used = pages - freeList;
            long usable = Files.getFileStore(storeDir).getUsableSpace();
            // Data is refused in the reserve the write-back engine keeps for names and attributes.
            long available = Math.max(0, Math.min(limit - pages, usable) + freeList - Committer.ROOM_RESERVE);
            return new StoreSpace(limit / BLOCK, (limit - used) / BLOCK, available / BLOCK);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, storeDir + ": " + e.getMessage());
        }
    }
}
