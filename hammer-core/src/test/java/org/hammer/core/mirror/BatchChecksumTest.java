package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.proto.Sync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each frame's CRC covers its header and payload as sent (the source makes a RECORDS frame's CRC
 * from the data CRCs its reads checked), and the SYNC frame's stream CRC is the CRC32C of the
 * batch's RECORDS payloads, as sent and, when compressed, as decompressed; a target refuses a
 * batch whose CRC does not match. The CRCs are worked out here from the stream's bytes
 * themselves, not with the code under test.
 */
class BatchChecksumTest {
    @TempDir
    Path tmp;

    private static final int TYPE_RECORDS = FrameType.RECORDS.code;
    private static final int TYPE_SYNC = FrameType.SYNC.code;

    /** A master of a few files, its stream (zstd level {@code z}, 0 for none), and a slave to apply it to. */
    private byte[] stream(int z, Store a, Store b) {
        Pfses.format(a, "A");
        Pfses.format(b, "B");
        PfsConfig m = Pfses.create(a, FsReader.ROOT, "m", PfsMode.MASTER, null);
        Random rnd = new Random(5);
        for (int i = 0; i < 12; i++) {
            int k = i;
            a.write(w -> {
                FsWriter f = Pfses.writer(w, m.id());
                long ino = f.mknod(FsReader.ROOT, "f" + k, 0644, 0, 0, 0);
                byte[] d = new byte[20_000 + rnd.nextInt(60_000)];
                for (int j = 0; j < d.length; j += 7) {
                    d[j] = (byte) rnd.nextInt(z > 0 ? 4 : 256); // compressible when asked
                }
                f.write(ino, 0, d, 0, d.length);
                return null;
            });
        }
        Pfses.create(b, FsReader.ROOT, "s", PfsMode.SLAVE, m.sharedUuid());
        MirrorOptions o = MirrorOptions.defaults().withBatchBytes(100_000);
        o = new MirrorOptions(o.twoWay(), o.createSlave(), z, o.bandwidth(), o.timeoutSeconds(), o.batchBytes(),
                o.beginTid(), o.verbose(), o.quiet(), o.log());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new MirrorSource(a, m.id(), "a/m", o).run(null, out);
        return out.toByteArray();
    }

    private static byte[] payload(byte[] s, int[] f) {
        byte[] p = java.util.Arrays.copyOfRange(s, f[0] + Frames.HEADER, f[0] + f[1]);
        if ((s[f[0] + 5] & Frames.FLAG_ZSTD) != 0) {
            p = com.github.luben.zstd.Zstd.decompress(p, (int) com.github.luben.zstd.Zstd.getFrameContentSize(p));
        }
        return p;
    }

    /** Checks every SYNC against the payloads before it; returns how many batches there were. */
    private static int checkSyncs(byte[] s) throws Exception {
        CRC32C batch = new CRC32C();
        int syncs = 0;
        for (int[] f : CorruptionRun.frames(s)) {
            CRC32C frame = new CRC32C();
            frame.update(s, f[0] + 4, 12);
            frame.update(s, f[0] + Frames.HEADER, f[1] - Frames.HEADER);
            assertThat(ByteBuffer.wrap(s, f[0] + 16, 4).getInt()).as("frame CRC at %d", f[0])
                    .isEqualTo((int) frame.getValue());
            int type = s[f[0] + 4];
            if (type == TYPE_RECORDS) {
                batch.update(payload(s, f));
            } else if (type == TYPE_SYNC) {
                assertThat(Sync.parseFrom(payload(s, f)).getStreamCrc()).as("SYNC %d", syncs).isEqualTo((int) batch.getValue());
                batch = new CRC32C();
                syncs++;
            }
        }
        return syncs;
    }

    /** The stream with the first SYNC's stream CRC changed, framed anew so that only that CRC is wrong. */
    private static byte[] withWrongSync(byte[] s) throws Exception {
        for (int[] f : CorruptionRun.frames(s)) {
            if (s[f[0] + 4] == TYPE_SYNC) {
                Sync sync = Sync.parseFrom(payload(s, f));
                byte[] p = sync.toBuilder().setStreamCrc(sync.getStreamCrc() ^ 1).build().toByteArray();
                byte[] frame = new byte[Frames.HEADER + p.length];
                System.arraycopy(s, f[0], frame, 0, 12);
                ByteBuffer.wrap(frame, 12, 4).putInt(p.length);
                System.arraycopy(p, 0, frame, Frames.HEADER, p.length);
                CRC32C c = new CRC32C();
                c.update(frame, 4, 12);
                c.update(p);
                ByteBuffer.wrap(frame, 16, 4).putInt((int) c.getValue());
                return CorruptionRun.splice(s, f[0], frame, f[1]);
            }
        }
        throw new AssertionError("no SYNC frame");
    }

    private void apply(Path slaveStore, byte[] s) throws Exception {
        try (LocalTarget t = new LocalTarget(slaveStore.resolve("s").toString(), q -> false)) {
            new MirrorTarget(t, "b/s", MirrorOptions.defaults()).run(new ByteArrayInputStream(s), null);
        }
    }

    @Test
    void syncCarriesTheCrcOfItsBatchAndAWrongOneIsRefused() throws Exception {
        for (int z : List.of(0, 3)) {
            Path ap = tmp.resolve("a" + z);
            Path bp = tmp.resolve("b" + z);
            byte[] s;
            try (Store a = Store.create(ap, "A", 1L << 30); Store b = Store.create(bp, "B", 1L << 30)) {
                s = stream(z, a, b);
            }
            assertThat(checkSyncs(s)).as("batches, zstd %d", z).isGreaterThan(2);
            if (z > 0) {
                assertThat(CorruptionRun.frames(s)).as("compressed frames")
                        .anySatisfy(f -> assertThat(s[f[0] + 5] & Frames.FLAG_ZSTD).isNotZero());
            }
            byte[] bad = withWrongSync(s);
            assertThatThrownBy(() -> apply(bp, bad)).isInstanceOf(HammerException.class)
                    .hasMessageContaining("batch checksum mismatch")
                    .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT));
            apply(bp, s); // the stream as sent is taken
        }
    }
}
