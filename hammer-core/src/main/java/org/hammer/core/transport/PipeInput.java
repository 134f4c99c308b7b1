package org.hammer.core.transport;

import java.io.IOException;
import java.io.InputStream;

/**
 * A buffered stream from a pipe or socket (standard input, a remote shell's output) that makes
 * one read of the stream per call and never asks it what is {@link InputStream#available}.
 *
 * <p>{@link java.io.BufferedInputStream} asks after every partial read whether more is waiting,
 * and for a file descriptor that is two system calls (fstat and FIONREAD); a pipe gives a reader
 * at most what it holds (64 KiB), so a mirror frame of 512 KiB was read in about ten calls, each
 * followed by those two. Here a short read returns what it got: the frame reader loops itself.
 * A read of at least the buffer's size goes straight into the caller's array.
 */
public final class PipeInput extends InputStream {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int end;

    public PipeInput(InputStream in, int size) {
        this.in = in;
        this.buf = new byte[size];
    }

    @Override
    public int read() throws IOException {
        while (pos == end) {
            if (fill() < 0) {
                return -1;
            }
        }
        return buf[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int buffered = end - pos;
        if (buffered > 0) {
            int n = Math.min(buffered, len);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
            return n;
        }
        if (len >= buf.length) {
            return in.read(b, off, len);
        }
        int n = fill();
        if (n <= 0) {
            return n;
        }
        n = Math.min(n, len);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    /** One read of the stream into the empty buffer; its count, or -1 at the end. */
    private int fill() throws IOException {
        pos = 0;
        end = 0;
        int n = in.read(buf, 0, buf.length);
        if (n > 0) {
            end = n;
        }
        return n;
    }

    /** What the buffer holds; the stream itself is not asked. */
    @Override
    public int available() {
        return end - pos;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
