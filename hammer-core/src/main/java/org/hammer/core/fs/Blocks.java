package org.hammer.core.fs;

/**
 * File data is kept in blocks keyed by their file offset: 16 KiB blocks below 1 MiB and 64 KiB
 * blocks from there on, as HAMMER's small and large buffers.
 */
public final class Blocks {
    static final int SMALL = 16 * 1024;
    static final int LARGE = 64 * 1024;
    static final long SMALL_LIMIT = 1024 * 1024;

    private Blocks() {
    }

    /** The start of the block that holds byte {@code offset} of a file. */
    public static long start(long offset) {
        return offset < SMALL_LIMIT ? offset & ~(long) (SMALL - 1) : offset & ~(long) (LARGE - 1);
    }

    /** The size of the block that starts at {@code blockStart}. */
    public static int size(long blockStart) {
        return blockStart < SMALL_LIMIT ? SMALL : LARGE;
    }
}
