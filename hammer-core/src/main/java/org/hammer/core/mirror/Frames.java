package org.hammer.core.mirror;

import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;

/**
 * The frame layout: {@code magic u32 "HMR1" | type u8 | flags u8 | reserved u16 | seq u32 |
 * length u32 | crc u32}, then {@code length} payload bytes. The CRC32C covers header bytes 4..16
 * and the payload as sent; the sequence number starts at 0 in each direction, so a dropped,
 * repeated or reordered frame is caught at once.
 */
final class Frames {
    static final int MAGIC = 0x484d5231;
    static final int HEADER = 20;
    /** Largest payload, compressed or not: 1 MiB, plus room for one 64 KiB block's framing. */
    static final int MAX_PAYLOAD = (1 << 20) + (64 << 10);
    static final int FLAG_ZSTD = 1;
    /**
     * 3: inode records may be in layout 2 (store format 4, a count of the file's blocks), which a
     * target that speaks only 2 would lay down in a store that cannot hold it; a source whose store
     * is format 4 asks for 3 at least ({@link #minVersionOf}). 2: every record carries its record
     * CRC (Rec.record_crc), checked by the target.
     */
    static final int VERSION = 3;
    /** The oldest stream version this hammer reads, and what a source of a store before format 4 asks for. */
    static final int MIN_VERSION = 2;
    static final String FEATURE_ZSTD = "zstd";
    static final String FEATURE_CRC32C = "crc32c";

    /** The least stream version a target must speak to take the records of {@code store}. */
    static int minVersionOf(Store store) {
        return store.header().formatVersion() >= StoreHeader.COUNTED_INODES ? 3 : MIN_VERSION;
    }

    private Frames() {
    }
}
