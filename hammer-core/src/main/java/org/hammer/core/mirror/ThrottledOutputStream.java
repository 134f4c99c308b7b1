package org.hammer.core.mirror;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * Limits throughput to a number of bytes per second, measured on what reaches the wire (after
 * compression). A token bucket with a quarter-second burst keeps the average within a few
 * percent without HAMMER's one-second stalls.
 */
final class ThrottledOutputStream extends FilterOutputStream {
    private final long rate;
    private final long burst;
    private double tokens;
    private long last = System.nanoTime();

    ThrottledOutputStream(OutputStream out, long bytesPerSecond) {
        super(out);
        this.rate = bytesPerSecond;
        this.burst = Math.max(4096, bytesPerSecond / 4);
        this.tokens = burst;
    }

    @Override
    public void write(int b) throws IOException {
        take(1);
        out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = (int) Math.min(len, burst);
            take(n);
            out.write(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void take(int n) throws IOException {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - last) * rate / 1e9);
        last = now;
        tokens -= n;
        if (tokens < 0) {
            long waitNs = (long) (-tokens * 1e9 / rate);
            try {
                Thread.sleep(waitNs / 1_000_000, (int) (waitNs % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("bandwidth limiter interrupted");
            }
        }
    }
}
