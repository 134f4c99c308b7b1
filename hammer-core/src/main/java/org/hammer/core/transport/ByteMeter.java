package org.hammer.core.transport;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the bytes that pass through the streams it wraps, whatever happens to them later. */
public final class ByteMeter {
    private final AtomicLong bytes = new AtomicLong();

    public long bytes() {
        return bytes.get();
    }

    public OutputStream wrap(OutputStream out) {
        return new Metered(out);
    }

    /** Counts what it writes, and what is handed past it to a {@link Pipe}. */
    private final class Metered extends FilterOutputStream implements Pipe.Passing {
        Metered(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes.incrementAndGet();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes.addAndGet(len);
        }

        @Override
        public OutputStream next() {
            return out;
        }

        @Override
        public void passed(int length) {
            bytes.addAndGet(length);
        }
    }

    public InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    bytes.incrementAndGet();
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    bytes.addAndGet(n);
                }
                return n;
            }
        };
    }
}
