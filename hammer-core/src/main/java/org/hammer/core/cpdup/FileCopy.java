package org.hammer.core.cpdup;

import java.util.Arrays;

/**
 * One regular file being copied: from the source node into a staged target file, in pieces of
 * {@link #PIECE} bytes (one per step of the walk), aligned all-zero runs left as holes. The copy
 * fails ({@link ObjectFailure}) when the source turns out shorter than it was, or changed while
 * being read; the walk then drops the staged file, so nothing of it is ever seen.
 */
final class FileCopy<S, T> {
    /** Bytes of file data read and written per step. */
    static final int PIECE = 1 << 20;
    /** Aligned runs of zeros this long are left as holes (HAMMER's large block size). */
    private static final int HOLE = 64 * 1024;
    private static final byte[] ZEROS = new byte[HOLE];

    final S src;
    final T staged;
    final Meta meta;
    /** Where the file goes: its directory and name on the target, its path in the tree. */
    final T dir;
    final String name;
    final String path;
    /** True when a directory has the name, to be removed when the file takes its place. */
    final boolean dirInTheWay;
    private long offset;

    FileCopy(S src, T staged, Meta meta, T dir, String name, String path, boolean dirInTheWay) {
        this.src = src;
        this.staged = staged;
        this.meta = meta;
        this.dir = dir;
        this.name = name;
        this.path = path;
        this.dirInTheWay = dirInTheWay;
    }

    /** Copies the next piece through {@code buf}; true once every byte is there. */
    boolean next(SourceTree<S> from, TargetTree<T> to, byte[] buf, String where) {
        long size = meta.size();
        if (offset >= size) {
            return true;
        }
        int want = (int) Math.min(buf.length, size - offset);
        int got = from.read(src, offset, buf, want);
        if (got < want) {
            throw new ObjectFailure(where + ": changed while being copied: it shrank from " + size + " to "
                    + (offset + Math.max(got, 0)) + " bytes; nothing of it was written");
        }
        write(to, buf, got);
        offset += got;
        return offset >= size;
    }

    /** Fails when the source is no longer what was copied (gone, or another size or mtime). */
    void verify(SourceTree<S> from, String where) {
        Meta now = from.stat(src);
        if (now == null) {
            throw new ObjectFailure(where + ": vanished while being copied; nothing of it was written");
        }
        if (now.size() != meta.size() || now.mtimeNs() != meta.mtimeNs()) {
            throw new ObjectFailure(where + ": changed while being copied; nothing of it was written (copy it again)");
        }
    }

    /** Stops reading the source and discards the staged file: nothing of it is ever seen. */
    void drop(SourceTree<S> from, TargetTree<T> to) {
        from.doneReading(src);
        to.discard(staged);
    }

    /** Writes {@code buf[0, len)} at the current offset, leaving aligned all-zero runs as holes. */
    private void write(TargetTree<T> to, byte[] buf, int len) {
        int runStart = -1;
        for (int at = 0; at < len; at += HOLE) {
            int end = Math.min(len, at + HOLE);
            boolean zero = Arrays.mismatch(buf, at, end, ZEROS, 0, end - at) < 0;
            if (!zero && runStart < 0) {
                runStart = at;
            } else if (zero && runStart >= 0) {
                to.write(staged, offset + runStart, buf, runStart, at - runStart);
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            to.write(staged, offset + runStart, buf, runStart, len - runStart);
        }
    }
}
