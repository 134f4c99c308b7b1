package org.hammer.cli.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PayloadTest {
    private static final int OFFSET = 40 + 80; // as a WRITE's data sits in the request buffer

    private static ByteBuffer request(byte[] data) {
        ByteBuffer in = ByteBuffer.allocateDirect(OFFSET + data.length);
        in.put(OFFSET, data);
        return in;
    }

    @Test
    void largeWritesGoToPooledDirectBuffersSmallOnesToTheHeap() {
        Payload.Pool pool = new Payload.Pool(4);
        byte[] small = new byte[Payload.POOLED_MIN - 1];
        byte[] large = new byte[Dispatcher.MAX_WRITE];
        new Random(7).nextBytes(small);
        new Random(8).nextBytes(large);

        Payload s = pool.copy(request(small), OFFSET, small.length);
        Payload l = pool.copy(request(large), OFFSET, large.length);
        assertThat(s.pooled()).isFalse();
        assertThat(s.data().isDirect()).isFalse();
        assertThat(l.pooled()).isTrue();
        assertThat(l.data().isDirect()).isTrue();
        assertThat(s.bytes()).isEqualTo(small);
        assertThat(l.bytes()).isEqualTo(large);
        assertThat(l.length()).isEqualTo(large.length);
        assertThat(pool.made()).isEqualTo(1);
    }

    @Test
    void aReleasedBufferIsReusedOnceAndTheRestComeFromTheHeapWhenAllAreInUse() {
        Payload.Pool pool = new Payload.Pool(2);
        byte[] a = new byte[200_000];
        new Random(1).nextBytes(a);
        List<Payload> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(pool.copy(request(a), OFFSET, a.length));
        }
        assertThat(held).extracting(Payload::pooled).containsExactly(true, true, false);
        assertThat(held.get(2).bytes()).as("the heap copy holds the data too").isEqualTo(a);

        held.get(0).release();
        held.get(0).release(); // a second release gives nothing back
        assertThat(pool.free()).isEqualTo(1);
        byte[] b = new byte[Payload.POOLED_MIN];
        new Random(2).nextBytes(b);
        Payload again = pool.copy(request(b), OFFSET, b.length);
        assertThat(again.pooled()).isTrue();
        assertThat(again.length()).isEqualTo(b.length);
        assertThat(again.bytes()).as("the reused buffer holds the new data, cut to its length").isEqualTo(b);
        assertThat(pool.made()).isEqualTo(2);
        assertThat(pool.free()).isZero();
        assertThat(held.get(1).bytes()).as("a buffer still held is untouched").isEqualTo(a);
    }
}
