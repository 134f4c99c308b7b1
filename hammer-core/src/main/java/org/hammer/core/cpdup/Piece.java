package org.hammer.core.cpdup;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A piece of a file read ahead of the walk ({@link SourceTree#piece}): its bytes, and the runs of
 * data between the aligned all-zero stretches that are left as holes, each with the checksums its
 * target asked to have made as it was read ({@link Checksums}), off the thread that writes it.
 */
record Piece(ByteBuffer data, List<Run> runs) {
    /** Aligned runs of zeros this long are left as holes (HAMMER's large block size). */
    static final int HOLE = 64 * 1024;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(HOLE).asReadOnlyBuffer();

    /** Bytes {@code [start, start + len)} of the piece's data are written; crcs may be null. */
    record Run(int start, int len, int[] crcs) {
    }

    /** The checksums a target stores a run of data with, made where the data is read. */
    @FunctionalInterface
    interface Checksums {
        /** None: the target makes its own. */
        Checksums NONE = (offset, data) -> null;

        /** The checksums of {@code data}'s remaining bytes, to be written at file offset {@code offset}. */
        int[] of(long offset, ByteBuffer data);
    }

    /** Run {@code r}'s bytes, as a buffer of their own. */
    ByteBuffer bytes(Run r) {
        return data.slice(data.position() + r.start(), r.len());
    }

    /**
     * The runs of data in {@code data}'s remaining bytes (at file offset {@code offset}, a multiple
     * of {@link #HOLE}): every stretch of whole {@link #HOLE}s of zeros is left out.
     */
    static List<Run> runs(ByteBuffer data, long offset, Checksums sums) {
        List<Run> runs = new ArrayList<>(1);
        int len = data.remaining();
        int base = data.position();
        int runStart = -1;
        for (int at = 0; at < len; at += HOLE) {
            int n = Math.min(len - at, HOLE);
            boolean zero = data.slice(base + at, n).mismatch(ZEROS.slice(0, n)) < 0;
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                runs.add(run(data, offset, runStart, at, sums));
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            runs.add(run(data, offset, runStart, len, sums));
        }
        return runs;
    }

    private static Run run(ByteBuffer data, long offset, int start, int end, Checksums sums) {
        return new Run(start, end - start, sums.of(offset + start, data.slice(data.position() + start, end - start)));
    }
}
