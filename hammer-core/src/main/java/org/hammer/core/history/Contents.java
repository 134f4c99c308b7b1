package org.hammer.core.history;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.store.StoreReader;

/** The content of a regular file as of a TID, streamed in bounded chunks. */
public final class Contents {
    private static final int CHUNK = 1024 * 1024;

    private Contents() {
    }

    /** Writes the content of {@code ino} as of {@code tid} to {@code out}; returns its size. */
    public static long copy(StoreReader r, int pfs, long ino, long tid, OutputStream out) {
        FsReader fs = new FsReader(r, pfs, tid);
        Inode i = fs.getattr(ino);
        if (!i.isRegular()) {
            throw new FsException(i.isDir() ? Errno.EISDIR : Errno.EINVAL,
                    String.format("object %016x: not a regular file", ino));
        }
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(i.size(), 1))];
        long off = 0;
        try {
            while (off < i.size()) {
                int n = fs.read(ino, off, buf, 0, buf.length);
                if (n <= 0) {
                    break;
                }
                out.write(buf, 0, n);
                off += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return off;
    }

    /** The whole content of {@code ino} as of {@code tid}. */
    public static byte[] read(StoreReader r, int pfs, long ino, long tid) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        copy(r, pfs, ino, tid, out);
        return out.toByteArray();
    }
}
