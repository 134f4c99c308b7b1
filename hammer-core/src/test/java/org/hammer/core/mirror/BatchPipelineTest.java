package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source streams the next batch while the target commits the one before it: the target's
 * UPDATE for a batch is awaited when the next batch ends, not before it begins.
 *
 * <pre>
 * source ── HELLO PFSD | BATCH RECORDS… SYNC₁ | BATCH₂ RECORDS… ──► target
 *        ◄──────────── HELLO PFSD ······· UPDATE₁ (held back until BATCH₂ is seen) ── target
 * </pre>
 */
@Timeout(60)
class BatchPipelineTest {
    /** How long the held-back UPDATE waits for the next batch before it is let go anyway. */
    private static final long HOLD_NANOS = 5_000_000_000L;

    @TempDir
    Path tmp;
    TwoStores ends;
    Store a;
    Store b;
    PfsConfig master;

    @BeforeEach
    void stores() {
        ends = new TwoStores(tmp);
        a = ends.a;
        b = ends.b;
        master = ends.master;
        for (int i = 0; i < 30; i++) {
            int n = i;
            a.write(w -> {
                FsWriter f = Pfses.writer(w, master.id());
                long ino = f.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0);
                byte[] d = ("x" + n).repeat(500).getBytes(StandardCharsets.UTF_8);
                f.write(ino, 0, d, 0, d.length);
                return null;
            });
        }
    }

    @AfterEach
    void close() {
        ends.close();
    }

    @Test
    void theNextBatchStreamsBeforeTheTargetAcknowledgesThePreviousOne() {
        FrameTap sent = new FrameTap(OutputStream.nullOutputStream());
        long[] heldFor = new long[1];
        MirrorStats s = copy(sent, out -> new FrameTap(out) {
            @Override
            void beforeFrame(int type) {
                // The first UPDATE goes back only once the source has begun its second batch.
                if (type == FrameType.UPDATE.code && count(FrameType.UPDATE.code) == 0) {
                    long t0 = System.nanoTime();
                    while (sent.count(FrameType.BATCH.code) < 2 && System.nanoTime() - t0 < HOLD_NANOS) {
                        Thread.onSpinWait();
                        Thread.yield();
                    }
                    heldFor[0] = System.nanoTime() - t0;
                }
            }
        });
        assertThat(sent.count(FrameType.BATCH.code)).isGreaterThan(3);
        assertThat(heldFor[0]).as("the source waited for the UPDATE before its next batch")
                .isLessThan(HOLD_NANOS);
        assertThat(s.batches()).isEqualTo(sent.count(FrameType.BATCH.code));
        assertThat(sent.count(FrameType.SYNC.code)).isEqualTo(s.batches());
        assertSlaveEqualsMaster();
    }

    @Test
    void atMostOneBatchGoesUnacknowledged() {
        // A SYNC goes out only once the UPDATE for the batch before it is in.
        List<String> order = new ArrayList<>();
        FrameTap sent = new FrameTap(OutputStream.nullOutputStream()) {
            @Override
            void beforeFrame(int type) {
                synchronized (order) {
                    order.add("sent " + FrameType.ofCode(type));
                }
            }
        };
        copy(sent, out -> new FrameTap(out) {
            @Override
            void beforeFrame(int type) {
                synchronized (order) {
                    order.add("acked " + FrameType.ofCode(type));
                }
            }
        });
        int syncs = 0;
        int updates = 0;
        synchronized (order) {
            for (String e : order) {
                if (e.equals("sent SYNC")) {
                    syncs++;
                } else if (e.equals("acked UPDATE")) {
                    updates++;
                }
                assertThat(syncs - updates).as("batches unacknowledged at " + e).isLessThanOrEqualTo(1);
            }
        }
        assertThat(updates).isEqualTo(syncs).isGreaterThan(3);
    }

    @Test
    void aWrongAcknowledgementIsStillRefused() {
        assertThatThrownBy(() -> copy(new FrameTap(OutputStream.nullOutputStream()), out -> new UpdateRewriter(out)))
                .isInstanceOf(HammerException.class)
                .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT))
                .hasMessageContaining("target acknowledged");
    }

    private MirrorStats copy(FrameTap sent, Function<OutputStream, OutputStream> targetOut) {
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true).withBatchBytes(4000);
        try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("test").toString(), q -> true)) {
            return MirrorCopy.run(
                    (in, out) -> new MirrorSource(a, master.id(), "a/test", o).run(in, sent.to(out)),
                    (in, out) -> new MirrorTarget(t, "b/test", o).run(in, targetOut.apply(out)));
        }
    }

    private void assertSlaveEqualsMaster() {
        int slave = b.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow().id());
        long end = b.read(r -> PfsTable.get(r, slave).syncEndTid());
        var m = a.read(r -> TreeDigest.of(new FsReader(r, master.id(), end)));
        var s = b.read(r -> TreeDigest.of(Pfses.reader(r, slave)));
        assertThat(s).isEqualTo(m).isNotEmpty();
    }

    /**
     * Passes bytes on and counts the frames in them by type, calling {@link #beforeFrame} as
     * each frame's header passes (the frame's bytes go on once it returns).
     */
    static class FrameTap extends FilterOutputStream {
        private final byte[] header = new byte[Frames.HEADER];
        private int inHeader;
        private long payloadLeft;
        private final int[] counts = new int[16];

        FrameTap(OutputStream out) {
            super(out);
        }

        /** This tap, now passing bytes on to {@code next}. */
        FrameTap to(OutputStream next) {
            out = next;
            return this;
        }

        void beforeFrame(int type) {
        }

        int count(int type) {
            synchronized (counts) {
                return counts[type];
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int i = off;
            int end = off + len;
            while (i < end) {
                if (payloadLeft > 0) {
                    int n = (int) Math.min(payloadLeft, end - i);
                    out.write(b, i, n);
                    payloadLeft -= n;
                    i += n;
                    continue;
                }
                int n = Math.min(Frames.HEADER - inHeader, end - i);
                System.arraycopy(b, i, header, inHeader, n);
                inHeader += n;
                i += n;
                if (inHeader == Frames.HEADER) {
                    inHeader = 0;
                    int type = header[4];
                    payloadLeft = ByteBuffer.wrap(header, 12, 4).getInt();
                    beforeFrame(type);
                    synchronized (counts) {
                        counts[type]++;
                    }
                    out.write(header);
                }
            }
        }
    }

    /** The target's frames, passed on whole, its first UPDATE acknowledging a TID one past the batch's end. */
    private static final class UpdateRewriter extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream frame = new ByteArrayOutputStream();
        private boolean rewritten;

        UpdateRewriter(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            frame.write(b);
            byte[] f = frame.toByteArray();
            if (f.length >= Frames.HEADER && f.length == Frames.HEADER + ByteBuffer.wrap(f, 12, 4).getInt()) {
                frame.reset();
                out.write(f[4] == FrameType.UPDATE.code && !rewritten ? rewrite(f) : f);
            }
        }

        private byte[] rewrite(byte[] f) throws IOException {
            rewritten = true;
            org.hammer.proto.Update u = org.hammer.proto.Update.parseFrom(
                    java.util.Arrays.copyOfRange(f, Frames.HEADER, f.length));
            byte[] p = u.toBuilder().setTid(u.getTid() + 1).build().toByteArray();
            ByteBuffer h = ByteBuffer.allocate(Frames.HEADER + p.length).put(f, 0, 12).putInt(p.length);
            CRC32C c = new CRC32C();
            c.update(h.array(), 4, 12);
            c.update(p);
            return h.putInt((int) c.getValue()).put(p).array();
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }
    }
}
