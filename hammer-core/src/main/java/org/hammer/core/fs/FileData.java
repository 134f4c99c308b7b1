package org.hammer.core.fs;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
        Inode i = regular(ino);
        int len = src.remaining();
        if (offset < 0 || offset + len < 0) {
            throw new FsException(Errno.EFBIG, "offset " + offset + ": file too large");
        }
        long pos = offset;
        long end = offset + len;
        while (pos < end) {
            long bs = Blocks.start(pos);
            int within = (int) (pos - bs);
            int chunk = (int) Math.min(Blocks.size(bs) - within, end - pos);
            int from = src.position() + (int) (pos - offset);
            Record cur = fs.visible(ino, RecordType.DATA, bs);
            if (within == 0 && (cur == null || cur.data().length <= chunk)) {
                // The whole block is new: stored from the caller's bytes, without a copy of its own.
                fs.put(ino, RecordType.DATA, bs, src.slice(from, chunk));
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
        fs.putInode(ino, i.withSize(Math.max(i.size(), end)).withTimes(i.atimeNs(), fs.nowNs(), fs.nowNs()));
        return len;
    }

    private Inode regular(long ino) {
        Inode i = fs.getattr(ino);
        if (i.isDir()) {
            throw new FsException(Errno.EISDIR, "object " + String.format("%016x", ino) + ": is a directory");
        }
        return i;
    }

    void truncate(long ino, long size) {
        Inode i = regular(ino);
        if (size < 0) {
            throw new FsException(Errno.EINVAL, "size " + size + ": negative");
        }
        if (size < i.size()) {
            long first = Blocks.start(size);
            List<Record> blocks = new ArrayList<>();
            fs.scanVisible(ino, RecordType.DATA, first, -1L, false, blocks::add);
            for (Record b : blocks) {
                long bs = b.key().key();
                if (bs >= size) {
                    fs.dropRecord(b);
                } else {
                    Record full = fs.visible(ino, RecordType.DATA, bs);
                    int keep = (int) (size - bs);
                    if (full.data().length > keep) {
                        fs.put(ino, RecordType.DATA, bs, java.util.Arrays.copyOf(full.data(), keep));
                    }
                }
            }
        }
        fs.putInode(ino, i.withSize(size).withTimes(i.atimeNs(), fs.nowNs(), fs.nowNs()));
    }
}
