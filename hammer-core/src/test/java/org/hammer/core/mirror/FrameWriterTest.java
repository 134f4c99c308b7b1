package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How frames go into a stream to another process: few and large writes, zstd only where it pays. */
class FrameWriterTest {
    private static final int FRAME = 512 << 10;

    /** Records the size of every write it is given. */
    private static final class Writes extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void write(int b) {
            sizes.add(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            sizes.add(len);
            bytes.write(b, off, len);
        }
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] text(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 7 + (i / 1000) % 3);
        }
        return b;
    }

    private static List<Frame> readAll(byte[] stream) {
        FrameReader r = new FrameReader(new ByteArrayInputStream(stream), "test");
        List<Frame> frames = new ArrayList<>();
        for (Frame f = r.next(); f != null; f = r.next()) {
            frames.add(f);
        }
        return frames;
    }

    @Test
    void aFramesHeaderGoesOutWithTheStartOfItsPayloadNotInAWriteOfItsOwn() {
        Writes out = new Writes();
        FrameWriter w = new FrameWriter(out, 0);
        byte[] big = random(1, FRAME);
        w.write(FrameType.IDLE, new byte[] {1, 2, 3});
        w.write(FrameType.RECORDS, big, FRAME - 100);
        w.write(FrameType.RECORDS, big, 5000);
        // a small frame: one write; a large one: the header with the first 64 KiB, then the rest
        assertThat(out.sizes).containsExactly(Frames.HEADER + 3, FrameWriter.LEAD, FRAME - 100 - (FrameWriter.LEAD
                - Frames.HEADER), Frames.HEADER + 5000);
        List<Frame> frames = readAll(out.bytes.toByteArray());
        assertThat(frames).hasSize(3);
        assertThat(frames.get(1).bytes()).isEqualTo(Arrays.copyOf(big, FRAME - 100));
        assertThat(frames.get(2).bytes()).isEqualTo(Arrays.copyOf(big, 5000));
    }

    @Test
    void incompressibleFramesAreTriedLessAndLessOften() {
        Writes out = new Writes();
        FrameWriter w = new FrameWriter(out, 3);
        int n = 64;
        for (int i = 0; i < n; i++) {
            w.write(FrameType.RECORDS, random(i, FRAME), FRAME);
        }
        // tried at frames 0, 2, 5, 10, 19, 35, 51: backing off 1, 2, 4, 8, 15, 15 frames
        assertThat(w.compressAttempts()).isLessThanOrEqualTo(8).isGreaterThanOrEqualTo(n / (FrameWriter.MAX_SKIP + 1));
        // only the first whole; every later try a sample of 64 KiB
        assertThat(w.compressedWholeAndSampled()).containsExactly(1, w.compressAttempts() - 1);
        for (Frame f : readAll(out.bytes.toByteArray())) {
            assertThat(f.length()).isEqualTo(FRAME);
        }
    }

    @Test
    void compressibleDataAfterIncompressibleIsCompressedAgainWithinTheLongestSkip() {
        Writes out = new Writes();
        FrameWriter w = new FrameWriter(out, 3);
        for (int i = 0; i < 40; i++) {
            w.write(FrameType.RECORDS, random(i, FRAME), FRAME);
        }
        long before = out.bytes.size();
        int n = FrameWriter.MAX_SKIP + 1 + 8;
        byte[] t = text(FRAME);
        for (int i = 0; i < n; i++) {
            w.write(FrameType.RECORDS, t, FRAME);
        }
        List<Frame> frames = readAll(out.bytes.toByteArray());
        List<Frame> textFrames = frames.subList(40, frames.size());
        for (Frame f : textFrames) {
            assertThat(f.bytes()).isEqualTo(t); // decompressed where compressed: the same bytes either way
        }
        // at most MAX_SKIP of them sent as they were, every later one compressed
        long sent = out.bytes.size() - before;
        assertThat(sent).isLessThan((long) (FrameWriter.MAX_SKIP + 1) * (FRAME + Frames.HEADER));
        assertThat(w.compressAttempts()).isGreaterThanOrEqualTo(8 + 1);
        assertThat(w.compressedWholeAndSampled()[1]).as("the text was found by a sample").isPositive();
    }

    @Test
    void compressibleFramesAreAllCompressed() {
        Writes out = new Writes();
        FrameWriter w = new FrameWriter(out, 3);
        byte[] t = text(FRAME);
        for (int i = 0; i < 10; i++) {
            w.write(FrameType.RECORDS, t, FRAME - i);
        }
        assertThat(w.compressAttempts()).isEqualTo(10);
        assertThat(out.bytes.size()).isLessThan(FRAME);
        List<Frame> frames = readAll(out.bytes.toByteArray());
        for (int i = 0; i < 10; i++) {
            assertThat(frames.get(i).bytes()).isEqualTo(Arrays.copyOf(t, FRAME - i));
        }
    }
}
