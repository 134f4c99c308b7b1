package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.mirror.MirrorLink;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.transport.Endpoint;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage to a store is refused, named and never changed. The store below holds one file whose
 * first block starts with a marker, so a test can find its record's bytes in {@code data.mdb}:
 * <pre>
 * s.hammer/   PFS #0: /f (40 KiB: MARKER then random bytes), written in one transaction
 * </pre>
 */
class StoreIntegrityTest {
    private static final byte[] MARKER = "<<integrity-marker-0001>>".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    Path dir;
    Path data;

    @BeforeEach
    void store() {
        dir = tmp.resolve("s.hammer");
        data = dir.resolve("data.mdb");
        try (Store s = Store.create(dir, "S", 1L << 30)) {
            Pfses.format(s, "S");
            byte[] content = new byte[40 << 10];
            new java.util.Random(3).nextBytes(content);
            System.arraycopy(MARKER, 0, content, 0, MARKER.length);
            StoreFiles.write(s, "f", content);
        }
    }

    private Map<String, String> digest() {
        try (Store s = Store.open(dir)) {
            return s.read(r -> TreeDigest.of(Pfses.reader(r, 0)));
        }
    }

    private int markerAt() throws IOException {
        return offsetOf(data, MARKER);
    }

    /** Where {@code marker} first occurs in {@code file} (a test's data file). */
    static int offsetOf(Path file, byte[] marker) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = 0; i + marker.length <= b.length; i++) {
            if (Arrays.equals(b, i, i + marker.length, marker, 0, marker.length)) {
                return i;
            }
        }
        throw new AssertionError("marker not found in " + file);
    }

    /**
     * Where the value of the first DATA record of /f lies in {@code data.mdb}: its 32-byte header
     * (its data lies in the blocks table), in the leaf node whose key is the record's.
     */
    private int headerAt() throws IOException {
        RecordKey k;
        try (Store s = Store.open(dir)) {
            k = s.read(r -> {
                long f = Pfses.reader(r, 0).lookup(FsReader.ROOT, "f");
                RecordKey[] found = {null};
                r.scan(new RecordKey(0, f, RecordType.DATA, 0, 0), new RecordKey(0, f, RecordType.DATA, -1L, -1L), false,
                        rec -> {
                            found[0] = rec.key();
                            return false;
                        });
                return found[0];
            });
        }
        byte[] key = k.toBytes();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(data)).order(ByteOrder.LITTLE_ENDIAN);
        int at = -1;
        for (int i = 8; i + key.length <= b.capacity(); i++) {
            // an LMDB leaf node: data size lo|hi u16, flags u16 (0: the value in the leaf), key size u16, key
            if (b.getShort(i - 8) == Record.VALUE_HEADER && b.getShort(i - 6) == 0 && b.getShort(i - 4) == 0
                    && b.getShort(i - 2) == key.length && Arrays.equals(b.array(), i, i + key.length, key, 0, key.length)) {
                assertThat(at).as("one leaf holds the record").isEqualTo(-1);
                at = i + key.length;
            }
        }
        assertThat(at).as("the record's leaf node").isPositive();
        return at;
    }

    private void flip(long offset, int bit) throws IOException {
        byte[] b = Files.readAllBytes(data);
        b[(int) offset] ^= (byte) (1 << bit);
        Files.write(data, b);
    }

    private static HammerException.Kind kind(Throwable e) {
        return ((HammerException) e).kind();
    }

    @Test
    void aFlippedBitInADataRecordsDeleteTidIsRefusedNotReadAsAHole() throws IOException {
        Map<String, String> before = digest();
        // The value header: delete_tid, create_ts, delete_ts, data_crc, record_crc.
        flip(headerAt() + 7, 0);
        byte[] damaged = Files.readAllBytes(data);
        assertThatThrownBy(this::digest).satisfies(e -> assertThat(kind(e)).isEqualTo(HammerException.Kind.CORRUPT))
                .hasMessageContaining(dir.toString()).hasMessageContaining("record checksum mismatch")
                .hasMessageContaining("DATA");
        assertThat(Files.readAllBytes(data)).isEqualTo(damaged);
        assertThat(before).isNotEmpty();
    }

    @Test
    void aFlippedBitInDataIsRefused() throws IOException {
        flip(markerAt() + 3, 5);
        assertThatThrownBy(this::digest).hasMessageContaining("data checksum mismatch");
    }

    @Test
    void scrubReportsTheDamagedRecordAndGoesOn() throws IOException {
        flip(headerAt() + 20, 2);
        try (Store s = Store.open(dir)) {
            java.util.List<StoreCheck.Damage> found = new java.util.ArrayList<>();
            StoreCheck.Totals t = s.check(found::add);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).key().type()).isEqualTo(org.hammer.core.btree.RecordType.DATA);
            assertThat(t.records()).isGreaterThan(3);
            assertThat(t.damaged()).isEqualTo(1);
        }
    }

    @Test
    void aCleanStoreChecksClean() {
        try (Store s = Store.open(dir)) {
            java.util.List<StoreCheck.Damage> found = new java.util.ArrayList<>();
            StoreCheck.Totals t = s.check(found::add);
            assertThat(found).isEmpty();
            assertThat(t.changes()).isGreaterThanOrEqualTo(t.records());
            assertThat(t.metaEntries()).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void truncatedEmptyOrMissingDataFilesAreRefusedAndLeftAsTheyWere() throws IOException {
        long used;
        try (Store s = Store.open(dir)) {
            used = s.usedBytes();
        }
        byte[] whole = Files.readAllBytes(data);
        for (long size : new long[] {0, 100, 4096, 8192, used / 2, used - 1}) {
            Files.write(data, Arrays.copyOf(whole, (int) size));
            assertThatThrownBy(() -> Store.open(dir)).as("data.mdb of %d bytes", size)
                    .satisfies(e -> assertThat(kind(e)).isEqualTo(HammerException.Kind.CORRUPT))
                    .hasMessageContaining("store damaged");
            assertThat(Files.size(data)).isEqualTo(size);
        }
        Files.delete(data);
        assertThatThrownBy(() -> Store.open(dir)).hasMessageContaining("data.mdb missing");
        assertThat(data).doesNotExist();
        byte[] garbage = new byte[64 << 10];
        new java.util.Random(9).nextBytes(garbage);
        Files.write(data, garbage);
        assertThatThrownBy(() -> Store.open(dir)).hasMessageContaining("not an LMDB meta page");
        assertThat(Files.readAllBytes(data)).isEqualTo(garbage);
    }

    @Test
    void aMetaPageWhoseTransactionIdMovedForwardIsCaughtByTheSeal() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(data)).order(ByteOrder.nativeOrder());
        long t0 = b.getLong(144);
        long t1 = b.getLong(4096 + 144);
        int older = t0 < t1 ? 0 : 1;
        // The older meta page now claims the newest commit: LMDB would read an older tree as current.
        b.putLong(older * 4096 + 144, Math.max(t0, t1) + 1);
        Files.write(data, b.array());
        assertThatThrownBy(() -> Store.open(dir)).hasMessageContaining("store damaged")
                .hasMessageContaining("leads to the tree of commit");
    }

    @Test
    void aChangedHeaderIsRefused() throws IOException {
        Path h = dir.resolve(StoreHeader.FILE_NAME);
        Files.writeString(h, Files.readString(h).replace("label=S", "label=T"));
        assertThatThrownBy(() -> Store.open(dir)).hasMessageContaining("does not match its checksum");
    }

    @Test
    void aFormat1StoreIsRefusedWithTheWayOut() throws IOException {
        Path h = dir.resolve(StoreHeader.FILE_NAME);
        Files.writeString(h, Files.readString(h).replaceFirst("format=\\d+", "format=1"));
        assertThatThrownBy(() -> Store.open(dir)).satisfies(e -> assertThat(kind(e)).isEqualTo(HammerException.Kind.REFUSED))
                .hasMessageContaining("format version 1").hasMessageContaining("cpdup");
    }

    @Test
    void oneProcessSharesOneEnvironmentPerStore() {
        int before = StoreRegistry.openEnvironments();
        Store a = Store.open(dir);
        Store b = Store.open(tmp.resolve("s.hammer/../s.hammer"));
        assertThat(StoreRegistry.openEnvironments()).isEqualTo(before + 1);
        a.close();
        a.close();
        assertThat(b.lastTid()).isPositive();
        b.close();
        assertThat(StoreRegistry.openEnvironments()).isEqualTo(before);
        assertThatThrownBy(b::lastTid).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMirrorBetweenTwoPfsesOfOneStoreSharesItsEnvironment() {
        PfsConfig m;
        try (Store s = Store.open(dir)) {
            m = Pfses.create(s, FsReader.ROOT, "m", PfsMode.MASTER, null);
            s.write(w -> {
                var fs = Pfses.writer(w, m.id());
                long f = fs.mknod(FsReader.ROOT, "g", 0644, 0, 0, 0);
                fs.write(f, 0, new byte[] {1, 2, 3}, 0, 3);
                return f;
            });
            Pfses.create(s, FsReader.ROOT, "s", PfsMode.SLAVE, m.sharedUuid());
        }
        new MirrorLink(Endpoint.local(dir.resolve("m").toString()), Endpoint.local(dir.resolve("s").toString()),
                MirrorOptions.defaults(), null, q -> false, null).run();
        try (Store s = Store.open(dir)) {
            Map<String, String>[] trees = s.read(r -> {
                PfsConfig slave = PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow();
                @SuppressWarnings("unchecked")
                Map<String, String>[] t = new Map[] {
                    TreeDigest.of(new FsReader(r, m.id(), slave.syncEndTid())), TreeDigest.of(Pfses.reader(r, slave.id()))};
                return t;
            });
            assertThat(trees[1]).containsKey("/g").isEqualTo(trees[0]);
        }
        assertThat(StoreRegistry.openEnvironments()).isZero();
    }
}
