package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A WRITE request's data, copied out of the worker's request buffer so that the worker can read
 * the next request while the write waits to be applied. Large writes (a whole block or more) go
 * into direct buffers from a bounded pool, reused from write to write: written back, they stay
 * queued while a transaction commits, which on the heap made them survive young collections and
 * filled the old generation with dead megabytes (a fifth of a `dd`'s time in collections, PROFILE.md
 * §5). Small writes, and large ones while the pool is all in use, are copied to the heap.
 *
 * <p>Whoever takes a payload {@linkplain #release releases} it once its data has been used or
 * will not be: a pooled buffer goes back to the pool then (at most once, whoever calls).
 */
public final class Payload {
    /** Writes smaller than this are copied to the heap. */
    static final int POOLED_MIN = 64 << 10;

    private final ByteBuffer data;
    private final Pool pool;
    private final AtomicBoolean released = new AtomicBoolean();

    private Payload(ByteBuffer data, Pool pool) {
        this.data = data;
        this.pool = pool;
    }

    /** The data: position 0, limit its length; a view, so callers may move it. */
    public ByteBuffer data() {
        return data.duplicate();
    }

    public int length() {
        return data.remaining();
    }

    /** Whether the data lives in a pooled direct buffer. */
    boolean pooled() {
        return pool != null;
    }

    /** Gives a pooled buffer back; later calls do nothing. */
    public void release() {
        if (pool != null && released.compareAndSet(false, true)) {
            pool.give(data);
        }
    }

    /** The data of a copy: its bytes, for tests and the heap path. */
    public byte[] bytes() {
        byte[] b = new byte[length()];
        data().get(b);
        return b;
    }

    /** Direct buffers of {@link Dispatcher#MAX_WRITE} bytes, at most {@code max} of them made. */
    static final class Pool {
        private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();
        private final AtomicInteger made = new AtomicInteger();
        private final int max;

        Pool(int max) {
            this.max = max;
        }

        /** A copy of {@code n} bytes of {@code src} from {@code offset}: pooled when large and one is free. */
        Payload copy(ByteBuffer src, int offset, int n) {
            ByteBuffer b = n >= POOLED_MIN && n <= Dispatcher.MAX_WRITE ? take() : null;
            if (b == null) {
                byte[] heap = new byte[n];
                src.get(offset, heap, 0, n);
                return new Payload(ByteBuffer.wrap(heap), null);
            }
            b.clear().limit(n);
            b.put(0, src, offset, n);
            return new Payload(b, this);
        }

        private ByteBuffer take() {
            ByteBuffer b = free.poll();
            if (b != null) {
                return b;
            }
            if (made.incrementAndGet() > max) {
                made.decrementAndGet();
                return null;
            }
            return ByteBuffer.allocateDirect(Dispatcher.MAX_WRITE);
        }

        private void give(ByteBuffer b) {
            free.offer(b);
        }

        /** Buffers made so far (for tests). */
        int made() {
            return made.get();
        }

        /** Buffers free in the pool now (for tests). */
        int free() {
            return free.size();
        }
    }
}
