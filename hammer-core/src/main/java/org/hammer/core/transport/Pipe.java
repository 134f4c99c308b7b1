package org.hammer.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * A bounded in-memory byte pipe between two threads. Closing the writer gives the reader EOF
 * once the buffer drains; closing the reader makes further writes fail, as a broken pipe.
 */
public final class Pipe {
    private final byte[] buf;
    private int head;
    private int size;
    private boolean writerClosed;
    private boolean readerClosed;

    public Pipe(int capacity) {
        this.buf = new byte[capacity];
    }

    private final InputStream in = new InputStream() {
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
    };

    private final OutputStream out = new OutputStream() {
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
    };

    public InputStream in() {
        return in;
    }

    public OutputStream out() {
        return out;
    }

    private synchronized int take(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (size == 0) {
            if (writerClosed || readerClosed) {
                return -1;
            }
            await();
        }
        int n = Math.min(len, size);
        int first = Math.min(n, buf.length - head);
        System.arraycopy(buf, head, b, off, first);
        System.arraycopy(buf, 0, b, off + first, n - first);
        head = (head + n) % buf.length;
        size -= n;
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
