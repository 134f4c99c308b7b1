package org.hammer.core.cpdup;

import java.nio.ByteBuffer;

/**
 * One regular file being copied: from the source node into a staged target file, in pieces of
 * {@link #PIECE} bytes (one per step of the walk), aligned all-zero runs left as holes
 * ({@link Piece#runs}). The copy fails ({@link ObjectFailure}) when the source turns out shorter
 * or longer than it was, or changed while being read; the walk then drops the staged file, so
 * nothing of it is ever seen.
 */
final class FileCopy<S, T> {
    /** Bytes of file data read and written per step. */
    static final int PIECE = 1 << 20;

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

    /**
     * Copies the next piece: as the source read it ahead ({@link SourceTree#piece}), or through
     * {@code buf}; true once every byte is there.
     */
    boolean next(SourceTree<S> from, TargetTree<T> to, byte[] buf, String where) {
        long size = meta.size();
        if (offset >= size) {
            return true;
        }
        int want = (int) Math.min(buf.length, size - offset);
        Piece p = from.piece(src, offset);
        if (p != null) {
            try {
                int got = p.data().remaining();
                if (got != want) {
                    throw changed(where, got);
                }
                for (Piece.Run r : p.runs()) {
                    to.write(staged, offset + r.start(), p.bytes(r), r.crcs());
                }
            } finally {
                from.release(p);
            }
            offset += want;
            return offset >= size;
        }
        int got = from.read(src, offset, buf, want);
        if (got < want) {
            throw changed(where, got);
        }
        ByteBuffer data = ByteBuffer.wrap(buf, 0, got);
        for (Piece.Run r : Piece.runs(data, offset, Piece.Checksums.NONE)) {
            to.write(staged, offset + r.start(), data.slice(r.start(), r.len()), null);
        }
        offset += got;
        return offset >= size;
    }

    private ObjectFailure changed(String where, int got) {
        if (got > 0 && offset + got > meta.size()) {
            return new ObjectFailure(where + ": changed while being copied: it grew past " + meta.size()
                    + " bytes; nothing of it was written");
        }
        return new ObjectFailure(where + ": changed while being copied: it shrank from " + meta.size() + " to "
                + (offset + Math.max(got, 0)) + " bytes; nothing of it was written");
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

}
