package org.hammer.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.lmdb.Posix;

/**
 * Keeps reads inside the data file. LMDB hands out values as pointers into its map with the size a
 * page says; on a damaged page that size can reach past the end of the file, where touching the
 * map is a SIGBUS. Every value that lies in the map is checked against the file's length (re-read
 * when a value lies beyond it: other processes grow the file) before a byte of it is read. A value
 * outside the map is a write transaction's own page, in memory LMDB allocated: nothing to check.
 *
 * <p>The map's address comes from {@code /proc/self/maps} (the mapping of the data file at offset
 * 0): LMDB reports one only for a map at a fixed address. Where it cannot be found the check is off
 * ({@link #base} 0), and a read past the file's end is left to the fault handler ({@code NativeFaults}).
 */
final class MapBounds {
    private final Path file;
    private final long base;
    private final long mapSize;
    private volatile long length;

    MapBounds(Path file, long mapSize) {
        this.file = file;
        this.mapSize = mapSize;
        this.base = mapped(file);
        this.length = readLength();
    }

    /** Where the map begins in this process, or 0 when it was not found (nothing is checked). */
    long base() {
        return base;
    }

    /** The start of the mapping of {@code file} at offset 0 in this process, or 0. */
    static long mapped(Path file) {
        try {
            Path real = file.toRealPath();
            String name = real.toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                // start-end perms offset dev inode path
                if (!line.endsWith(name)) {
                    continue;
                }
                String[] f = line.split("\\s+", 6);
                if (f.length == 6 && f[5].equals(name) && Long.parseLong(f[2], 16) == 0) {
                    return Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not found: the check stays off
        }
        return 0;
    }

    /** True when the bytes of {@code b} (position to limit) lie inside the data file, or outside the map. */
    boolean contains(ByteBuffer b) {
        if (base == 0) {
            return true;
        }
        return contains(Posix.address(b) + b.position(), b.remaining());
    }

    /** True when {@code size} bytes at address {@code start} lie inside the data file, or outside the map. */
    boolean contains(long start, long size) {
        if (base == 0 || start < base || start >= base + mapSize) {
            return true; // not checked, or a write transaction's own page
        }
        long end = start + size;
        if (end <= base + length) {
            return true;
        }
        return end <= base + refresh();
    }

    /** The data file's length as last read. */
    long length() {
        return length;
    }

    /** The data file's length, read again. */
    long refresh() {
        long now = readLength();
        length = now;
        return now;
    }

    /** The number of the map's page that holds {@code address}, or -1 when it is not in the map. */
    long pageOf(long address, long pageSize) {
        if (base == 0 || address < base || address >= base + mapSize) {
            return -1;
        }
        return (address - base) / pageSize;
    }

    private long readLength() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return length;
        }
    }
}
