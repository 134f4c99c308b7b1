package org.hammer.core.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PipeInputTest {
    /**
     * A pipe as a reader sees it: each read returns at most what the pipe holds (here 64 KiB, or
     * less at random), and asking what is available is a system call, counted.
     */
    static final class FakePipe extends InputStream {
        private final byte[] data;
        private final Random random;
        private int pos;
        int reads;
        int availableCalls;

        FakePipe(byte[] data, long seed) {
            this.data = data;
            this.random = new Random(seed);
        }

        @Override
        public int read() {
            throw new AssertionError("single-byte read of a descriptor");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            if (pos == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, data.length - pos), random.nextInt(4) == 0 ? 1 + random.nextInt(1 << 16) : 1 << 16);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }

        @Override
        public int available() {
            availableCalls++;
            return data.length - pos;
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void readsEveryByteInOrderWhateverTheSizesAsked() throws IOException {
        byte[] data = random(3 << 20);
        FakePipe pipe = new FakePipe(data, 1);
        PipeInput in = new PipeInput(pipe, 1 << 16);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Random sizes = new Random(2);
        byte[] buf = new byte[1 << 20];
        while (true) {
            int pick = sizes.nextInt(5);
            if (pick == 0) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                got.write(c);
                continue;
            }
            int len = pick == 1 ? 20 : pick == 2 ? 1 + sizes.nextInt(1000) : pick == 3 ? 1 << 16 : buf.length;
            int n = in.read(buf, 0, len);
            if (n < 0) {
                break;
            }
            assertThat(n).isPositive().isLessThanOrEqualTo(len);
            got.write(buf, 0, n);
        }
        assertThat(got.toByteArray()).isEqualTo(data);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.read(buf, 0, 10)).isEqualTo(-1);
    }

    @Test
    void framesAreReadWithOneReadOfThePipePerCallAndNoQuestionOfWhatIsAvailable() throws IOException {
        // 20-byte headers, each before a 512 KiB payload, as the mirror's frame reader asks for them
        int frames = 8;
        int payload = 512 << 10;
        byte[] data = random(frames * (20 + payload));
        FakePipe pipe = new FakePipe(data, 3);
        PipeInput in = new PipeInput(pipe, 1 << 16);
        byte[] header = new byte[20];
        byte[] body = new byte[payload];
        int calls = 0;
        for (int f = 0; f < frames; f++) {
            calls += readFully(in, header);
            calls += readFully(in, body);
        }
        assertThat(in.read()).isEqualTo(-1);
        assertThat(pipe.availableCalls).isZero();
        assertThat(pipe.reads).isLessThanOrEqualTo(calls + 1);
    }

    private static int readFully(InputStream in, byte[] b) throws IOException {
        int calls = 0;
        for (int done = 0; done < b.length; calls++) {
            int n = in.read(b, done, b.length - done);
            assertThat(n).isPositive();
            done += n;
        }
        return calls;
    }
}
