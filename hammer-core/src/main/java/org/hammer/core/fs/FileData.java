package org.hammer.core.fs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordType;

/** File contents for {@link FsWriter}: block writes with copy-on-write of partial blocks, and truncation. */
final class FileData {
    private final FsWriter fs;

    FileData(FsWriter fs) {
        this.fs = fs;
    }

    /** Writes {@code len} bytes at {@code offset}, copying on write the blocks it touches partly. */
    int write(long ino, long offset, byte[] src, int srcOff, int len) {
        return write(ino, offset, ByteBuffer.wrap(src, srcOff, len));
    }

    /** Writes the bytes remaining in {@code src} (left as they are) at {@code offset}. */
    int write(long ino, long offset, ByteBuffer src) {
        return write(ino, offset, src, null);
    }

    /**
     * The data CRCs of the pieces a write of {@code src} at {@code offset} is cut into, one per
     * block it touches, each over the bytes of {@code src} in that block; what a piece that begins
     * its block is stored with ({@link #write(long, long, ByteBuffer, int[])}).
     */
    static int[] pieceCrcs(long offset, ByteBuffer src) {
        int len = src.remaining();
        if (offset < 0 || offset + len < 0) {
            return null; // refused by the write itself
        }
        int[] crcs = new int[len / Blocks.SMALL + 2]; // pieces between the first and the last are whole blocks
        int k = 0;
        for (long pos = offset, end = offset + len; pos < end; k++) {
            long bs = Blocks.start(pos);
            int chunk = (int) Math.min(Blocks.size(bs) - (pos - bs), end - pos);
            crcs[k] = Record.dataCrc(src.slice(src.position() + (int) (pos - offset), chunk));
            pos += chunk;
        }
        return crcs;
    }

    /**
     * As {@link #write(long, long, ByteBuffer)}, with the {@link #pieceCrcs} of the same write
     * (made where the data came in, on another thread) or null to make them here.
     */
    int write(long ino, long offset, ByteBuffer src, int[] crcs) {
        Inode i = regular(ino);
        int len = src.remaining();
        if (offset < 0 || offset + len < 0) {
            throw new FsException(Errno.EFBIG, "offset " + offset + ": file too large");
        }
        long pos = offset;
        long end = offset + len;
        long added = 0; // the sizes of the blocks this write stores where none was
        for (int k = 0; pos < end; k++) {
            long bs = Blocks.start(pos);
            int within = (int) (pos - bs);
            int chunk = (int) Math.min(Blocks.size(bs) - within, end - pos);
            int from = src.position() + (int) (pos - offset);
            Record cur = fs.visible(ino, RecordType.DATA, bs);
            if (cur == null) {
                added += Blocks.size(bs);
            }
            if (within == 0 && (cur == null || cur.data().length <= chunk)) {
                // The whole block is new: stored from the caller's bytes, without a copy of its own.
                ByteBuffer piece = src.slice(from, chunk);
                fs.put(ino, RecordType.DATA, bs, piece, crcs != null ? crcs[k] : Record.dataCrc(piece));
            } else {
                int old = cur == null ? 0 : cur.data().length;
                byte[] block = new byte[Math.max(old, within + chunk)];
                if (cur != null) {
                    System.arraycopy(cur.data(), 0, block, 0, old);
                }
                src.get(from, block, within, chunk);
                fs.put(ino, RecordType.DATA, bs, block);
            }
            pos += chunk;
        }
        fs.putInode(ino, counted(ino, i, added).withSize(Math.max(i.size(), end)).withTimes(i.atimeNs(), fs.nowNs(),
                fs.nowNs()));
        return len;
    }

    private Inode regular(long ino) {
        Inode i = fs.getattr(ino);
        if (i.isDir()) {
            throw new FsException(Errno.EISDIR, FsReader.object(ino) + ": is a directory");
        }
        return i;
    }

    void truncate(long ino, long size) {
        Inode i = regular(ino);
        if (size < 0) {
            throw new FsException(Errno.EINVAL, "size " + size + ": negative");
        }
        long dropped = 0; // the sizes of the blocks the file loses
        if (size < i.size()) {
            long first = Blocks.start(size);
            List<Record> blocks = new ArrayList<>();
            fs.scanVisible(ino, RecordType.DATA, first, -1L, false, blocks::add);
            for (Record b : blocks) {
                long bs = b.key().key();
                if (bs >= size) {
                    fs.dropRecord(b);
                    dropped += Blocks.size(bs);
                } else {
                    Record full = fs.visible(ino, RecordType.DATA, bs);
                    int keep = (int) (size - bs);
                    if (full.data().length > keep) {
                        fs.put(ino, RecordType.DATA, bs, java.util.Arrays.copyOf(full.data(), keep));
                    }
                }
            }
        }
        fs.putInode(ino, counted(ino, i, -dropped).withSize(size).withTimes(i.atimeNs(), fs.nowNs(), fs.nowNs()));
    }

    /**
     * {@code i}, the inode of {@code ino}, with {@code delta} bytes of blocks more in its count,
     * where it keeps one. The count holds every stored block's size whole: no block lies at or past
     * a file's end (a write makes the file as long as what it wrote, a truncate drops the blocks
     * past the new end), so only the last one can reach past it, and
     * {@link FsReader#storedBytes(long, Inode)} takes that off.
     */
    private static Inode counted(long ino, Inode i, long delta) {
        if (!i.counted() || delta == 0) {
            return i;
        }
        if (i.blockBytes() + delta < 0) {
            throw HammerException.corrupt(FsReader.object(ino) + ": its inode counts "
                    + i.blockBytes() + " bytes of blocks, fewer than the " + -delta + " it drops");
        }
        return i.withBlockBytes(i.blockBytes() + delta);
    }
}
