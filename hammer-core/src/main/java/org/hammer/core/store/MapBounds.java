package org.hammer.core.store;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps reads inside the data file. LMDB hands out values as pointers into its map with the size a
 * page says; on a damaged page that size can reach past the end of the file, where touching the
 * map is a SIGBUS that kills the JVM. Every value is checked against the file's length (re-read
 * when a value lies beyond it: other processes grow the file) before a byte of it is read.
 */
final class MapBounds {
    private static final VarHandle ADDRESS = addressHandle();

    private final Path file;
    private final long base;
    private volatile long length;

    MapBounds(Path file, long base) {
        this.file = file;
        this.base = base;
        this.length = length();
    }

    private static VarHandle addressHandle() {
        try {
            return MethodHandles.privateLookupIn(Buffer.class, MethodHandles.lookup())
                    .findVarHandle(Buffer.class, "address", long.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Without --add-opens java.base/java.nio the check is skipped; lmdbjava needs it anyway.
            return null;
        }
    }

    /** True when the bytes of {@code b} (position to limit) lie inside the data file. */
    boolean contains(ByteBuffer b) {
        if (ADDRESS == null || base == 0) {
            return true;
        }
        long start = (long) ADDRESS.get((Buffer) b) + b.position();
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
