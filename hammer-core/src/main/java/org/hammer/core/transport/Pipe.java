package org.hammer.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A bounded in-memory byte pipe between two threads. Closing the writer gives the reader EOF
 * once the buffer drains; closing the reader makes further writes fail, as a broken pipe.
 *
 * <p>Besides bytes copied through its ring buffer, the pipe carries arrays handed over whole
 * ({@link #handOver}): the writer gives up an array, the reader takes it ({@link #takeOver}) in
 * its place in the byte sequence, and neither copies it. A reader that reads bytes instead gets
 * the same bytes, copied. At most {@link #MAX_HANDED} arrays wait at a time.
 */
public final class Pipe {
    /** Arrays handed over and not yet taken, at most: with 512 KiB frames, 4 MiB in flight. */
    static final int MAX_HANDED = 8;
    private final byte[] buf;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;
    /** Ring bytes put and taken so far: an array handed over sits at a position in this sequence. */
    private long put;
    private long taken;
    private final ArrayDeque<Handed> handed = new ArrayDeque<>();

    /** An array handed over at ring position {@code at}, of which {@code [off, end)} is still unread. */
    private static final class Handed {
        final long at;
        final byte[] array;
        int off;
        final int end;

        Handed(long at, byte[] array, int off, int end) {
            this.at = at;
            this.array = array;
            this.off = off;
            this.end = end;
        }
    }

    public Pipe(int capacity) {
        this.buf = new byte[capacity];
    }

    private final InputStream in = new In();
    private final OutputStream out = new Out();

    /**
     * A stream that passes every byte on to another unchanged and only looks at them (as a byte
     * count does), so that an array may be handed past it to a pipe if it is told of it.
     */
    public interface Passing {
        OutputStream next();

        /** {@code length} bytes went past to the pipe, handed over. */
        void passed(int length);
    }

    /** The pipe whose writing end {@code stream} is, directly or through {@link Passing} streams; or null. */
    public static Pipe writingTo(OutputStream stream) {
        OutputStream s = stream;
        while (s instanceof Passing p) {
            s = p.next();
        }
        return s instanceof Out o ? o.pipe() : null;
    }

    /**
     * Hands {@code array[0, length)} to the pipe {@code stream} writes to ({@link #writingTo}),
     * telling each {@link Passing} stream on the way; the caller must never touch the array again.
     */
    public static void handOver(OutputStream stream, byte[] array, int length) throws IOException {
        Pipe pipe = writingTo(stream);
        if (pipe == null) {
            throw new IllegalArgumentException("not a pipe: " + stream);
        }
        pipe.handOver(array, length);
        for (OutputStream s = stream; s instanceof Passing p; s = p.next()) {
            p.passed(length);
        }
    }

    /** The pipe whose reading end {@code stream} is, or null. */
    public static Pipe readingFrom(InputStream stream) {
        return stream instanceof In i ? i.pipe() : null;
    }

    private final class In extends InputStream {
        Pipe pipe() {
            return Pipe.this;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return take(b, off, len);
        }

        @Override
        public void close() {
            closeReader();
        }
    }

    private final class Out extends OutputStream {
        Pipe pipe() {
            return Pipe.this;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            put(b, off, len);
        }

        @Override
        public void close() {
            closeWriter();
        }
    }

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    /**
     * Writes {@code array[0, length)} by handing the array itself to the reader: the caller must
     * never touch it again. Blocks while {@link #MAX_HANDED} arrays wait.
     */
    public synchronized void handOver(byte[] array, int length) throws IOException {
        if (length == 0) {
            return;
        }
        while (handed.size() >= MAX_HANDED && !readerClosed && !writerClosed) {
            await();
        }
        if (readerClosed) {
            throw new IOException("broken pipe: the reading side has stopped");
        }
        if (writerClosed) {
            throw new IOException("pipe closed");
        }
        handed.add(new Handed(put, array, 0, length));
        notifyAll();
    }

    /**
     * The next {@code length} bytes as an array of the reader's own, when they are an array
     * handed over whole ({@code [0, length)} of it, none of it read yet); null when they are not
     * (the caller then reads them as bytes), or at the end of the stream.
     */
    public synchronized byte[] takeOver(int length) throws IOException {
        while (size == 0 && handed.isEmpty()) {
            if (writerClosed || readerClosed) {
                return null;
            }
            await();
        }
        Handed h = handed.peek();
        if (h == null || h.at != taken || h.off != 0 || h.end != length) {
            return null;
        }
        handed.remove();
        notifyAll();
        return h.array;
    }

    private synchronized int take(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (true) {
            Handed h = handed.peek();
            if (h != null && h.at == taken) {
                int n = Math.min(len, h.end - h.off);
                System.arraycopy(h.array, h.off, b, off, n);
                h.off += n;
                if (h.off == h.end) {
                    handed.remove();
                    notifyAll();
                }
                return n;
            }
            if (size > 0) {
                break;
            }
            if (writerClosed || readerClosed) {
                return -1;
            }
            await();
        }
        Handed next = handed.peek();
        int n = (int) Math.min(Math.min(len, size), next == null ? Long.MAX_VALUE : next.at - taken);
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, b, off, first);
        System.arraycopy(buf, 0, b, off + first, n - first);
        head = (head + n) % buf.length;
        size -= n;
        taken += n;
        notifyAll();
        return n;
    }

    private synchronized void put(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            while (size == buf.length && !readerClosed) {
                if (writerClosed) {
                    throw new IOException("pipe closed");
                }
                await();
            }
            if (readerClosed) {
                throw new IOException("broken pipe: the reading side has stopped");
            }
            if (writerClosed) {
                throw new IOException("pipe closed");
            }
            int tail = (head + size) % buf.length;
            int n = Math.min(len, Math.min(buf.length - size, buf.length - tail));
            System.arraycopy(b, off, buf, tail, n);
            size += n;
            put += n;
            off += n;
            len -= n;
            notifyAll();
        }
    }

    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("pipe wait interrupted");
        }
    }

    public synchronized void closeWriter() {
        writerClosed = true;
        notifyAll();
    }

    public synchronized void closeReader() {
        readerClosed = true;
        notifyAll();
    }
}
