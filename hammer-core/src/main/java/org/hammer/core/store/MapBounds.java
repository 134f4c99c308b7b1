package org.hammer.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.lmdb.Posix;

/**
 * Keeps reads inside the data file. LMDB hands out values as pointers into its map with the size a
 * page says; on a damaged page that size can reach past the end of the file, where touching the
 * map is a SIGBUS that kills the JVM. Every value is checked against the file's length (re-read
 * when a value lies beyond it: other processes grow the file) before a byte of it is read.
 */
final class MapBounds {
    private final Path file;
    private final long base;
    private volatile long length;

    MapBounds(Path file, long base) {
        this.file = file;
        this.base = base;
        this.length = length();
    }

    /** True when the bytes of {@code b} (position to limit) lie inside the data file. */
    boolean contains(ByteBuffer b) {
        if (base == 0) {
            return true;
        }
        long start = Posix.address(b) + b.position();
        long end = start + b.remaining();
        if (start >= base && end <= base + length) {
            return true;
        }
        long now = length();
        length = now;
        return start >= base && end <= base + now;
    }

    private long length() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return length;
        }
    }
}
