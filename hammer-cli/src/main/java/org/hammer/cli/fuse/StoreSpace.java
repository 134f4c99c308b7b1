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
 * of it is free (pages on the store's free list included), and what of that a writer can use (no
 * more than the disk under the store has free, less the room the write-back engine keeps for
 * names and attributes, {@link Committer#ROOM_RESERVE}). Both FUSE backends answer with it.
 */
record StoreSpace(long blocks, long free, long available) {
    static final int BLOCK = 4096;

    static StoreSpace of(Store store, Path storeDir) {
        try {
            long limit = store.header().maxSize();
            // The free list's pages are free: removals and prunes give room back there.
            long used = Math.min(store.usedBytes() - store.freeBytes(), limit);
            long usable = Files.getFileStore(storeDir).getUsableSpace();
            // Data is refused in the reserve the write-back engine keeps for names and attributes.
            long available = Math.max(0, Math.min(limit - used, usable) - Committer.ROOM_RESERVE);
            return new StoreSpace(limit / BLOCK, (limit - used) / BLOCK, available / BLOCK);
        } catch (IOException e) {
            throw new FsException(Errno.EIO, storeDir + ": " + e.getMessage());
        }
    }
}
