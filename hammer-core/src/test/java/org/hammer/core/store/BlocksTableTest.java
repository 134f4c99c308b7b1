package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hammer.core.store.StoreFiles.check;
import static org.hammer.core.store.StoreFiles.random;
import static org.hammer.core.store.StoreFiles.read;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Store format 3 keeps a block's data in the blocks table, apart from its record: marking records
 * deleted writes their small values, not their data; format 2 stores keep their layout; damage to
 * the table is found, never served.
 */
class BlocksTableTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    /**
     * The most bytes of pages removing a file of {@code size} random bytes can have written: the
     * growth of the data file and the free list it could take pages from. The file stays readable
     * as of before its removal.
     */
    private static long growthOfARemoval(Store s, int size) {
        byte[] data = random(size, size);
        long f = StoreFiles.write(s, "big", data);
        long before = s.lastTid();
        long used = s.usedBytes();
        long free = s.freeBytes();
        s.write(w -> {
            Pfses.writer(w, 0).unlink(FsReader.ROOT, "big");
            return null;
        });
        long written = s.usedBytes() - used + free;
        long gone = s.read(r -> Pfses.reader(r, 0).find(FsReader.ROOT, "big"));
        assertThat(gone).isZero();
        assertThat(read(s, f, before, size)).as("the file as of before its removal").isEqualTo(data);
        assertThat(check(s)).isEmpty();
        return written;
    }

    @Test
    void removingALargeFileWritesItsRecordsNotItsData() {
        try (Store s = Store.create(tmp.resolve("s3"), "S", 1L << 30)) {
            assertThat(s.header().formatVersion()).isGreaterThanOrEqualTo(3);
            Pfses.format(s, "S");
            assertThat(growthOfARemoval(s, 16 * MIB)).as("pages written by removing 16 MiB").isLessThan(MIB);
        }
    }

    /** A format 2 store is read and written as it was made: each record keeps its data in its value. */
    @Test
    void aFormat2StoreKeepsItsLayout() {
        Path dir = tmp.resolve("s2");
        LmdbStore.create(dir, "OLD", 1L << 30, 2).close();
        try (Store s = Store.open(dir)) {
            assertThat(s.header().formatVersion()).isEqualTo(2);
            Pfses.format(s, "OLD");
            assertThat(growthOfARemoval(s, 4 * MIB)).as("pages written by removing 4 MiB: its data again")
                    .isGreaterThanOrEqualTo(4L * MIB);
            assertThat(s.deleteRoom(4L * MIB)).isEqualTo(4L * MIB);
        }
        assertThat(StoreHeader.read(dir).formatVersion()).isEqualTo(2);
    }

    /** Records mirrored between a format 3 and a format 2 store, either way, each in its own layout. */
    @Test
    void mirrorsBetweenFormatsCarryTheSameRecords() {
        Path newer = tmp.resolve("newer");
        Path older = tmp.resolve("older");
        LmdbStore.create(older, "OLD", 1L << 30, 2).close();
        byte[] data = random(3 * MIB + 123, 5);
        PfsConfig[] masters = new PfsConfig[2];
        Path[] stores = {newer, older};
        for (int i = 0; i < 2; i++) {
            try (Store s = i == 0 ? Store.create(newer, "NEW", 1L << 30) : Store.open(older)) {
                Pfses.format(s, "X");
                masters[i] = Pfses.create(s, FsReader.ROOT, "m", PfsMode.MASTER, null);
                int pfs = masters[i].id();
                s.write(w -> {
                    var fs = Pfses.writer(w, pfs);
                    long f = fs.mknod(FsReader.ROOT, "f", 0644, 0, 0, 0);
                    fs.write(f, 0, data, 0, data.length);
                    long g = fs.mknod(FsReader.ROOT, "small", 0644, 0, 0, 0);
                    return fs.write(g, 0, data, 0, 700);
                });
            }
        }
        for (int i = 0; i < 2; i++) {
            Path from = stores[i];
            Path to = stores[1 - i];
            try (Store s = Store.open(to)) {
                Pfses.create(s, FsReader.ROOT, "s", PfsMode.SLAVE, masters[i].sharedUuid());
            }
            new MirrorLink(Endpoint.local(from.resolve("m").toString()), Endpoint.local(to.resolve("s").toString()),
                    MirrorOptions.defaults(), null, q -> false, null).run();
            int master = masters[i].id();
            Map<String, String> source;
            try (Store s = Store.open(from)) {
                source = s.read(r -> TreeDigest.of(Pfses.reader(r, master)));
            }
            try (Store s = Store.open(to)) {
                Map<String, String> copy = s.read(r -> TreeDigest.of(Pfses.reader(r, PfsTable.list(r).stream()
                        .filter(PfsConfig::isSlave).findFirst().orElseThrow().id())));
                assertThat(copy).containsKeys("/f", "/small").isEqualTo(source);
                assertThat(check(s)).isEmpty();
            }
        }
        assertThat(StoreRegistry.openEnvironments()).isZero();
    }

    /**
     * Data whose CRC32C is 0 stays in its record's value: a value with no data and a data CRC of 0
     * is a record of no data, so such data must not leave the value. The data here is made to have
     * that CRC (four bytes appended that bring the CRC register to its final value).
     */
    @Test
    void dataWhoseChecksumIsZeroStaysInItsRecord() {
        byte[] zero = withCrcZero(random(3000, 9));
        assertThat(Record.dataCrc(zero)).isZero();
        byte[] other = random(zero.length, 10);
        try (Store s = Store.create(tmp.resolve("z"), "Z", 1L << 30)) {
            Pfses.format(s, "Z");
            long z = StoreFiles.write(s, "z", zero);
            long o = StoreFiles.write(s, "o", other);
            assertThat(headerOfFirstBlock(s, z).external()).isFalse();
            assertThat(headerOfFirstBlock(s, z).dataLength()).isEqualTo(zero.length);
            assertThat(headerOfFirstBlock(s, o).external()).isTrue();
            assertThat(read(s, z, Long.MAX_VALUE, zero.length)).isEqualTo(zero);
            assertThat(read(s, o, Long.MAX_VALUE, other.length)).isEqualTo(other);
            assertThat(check(s)).isEmpty();
        }
    }

    /**
     * A bit flipped in the key of a block's entry: the record's data is missing (a read is CORRUPT,
     * never zeros) and the entry names no record; scrub reports both and changes nothing.
     */
    @Test
    void aDamagedBlockKeyIsMissingDataAndAnEntryOfNoRecord() throws IOException {
        Path dir = tmp.resolve("k");
        byte[] data = random(40 << 10, 3);
        long f;
        RecordKey k;
        try (Store s = Store.create(dir, "K", 1L << 30)) {
            Pfses.format(s, "K");
            f = StoreFiles.write(s, "f", data);
            k = s.read(r -> {
                RecordKey[] first = {null};
                r.scan(new RecordKey(0, f, RecordType.DATA, 0, 0), new RecordKey(0, f, RecordType.DATA, -1L, -1L), false,
                        rec -> {
                            first[0] = rec.key();
                            return false;
                        });
                return first[0];
            });
        }
        Path file = dir.resolve(MetaPages.DATA_FILE);
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] key = k.toBytes();
        int flipped = 0;
        for (int i = 8; i + key.length <= bytes.length; i++) {
            // an LMDB leaf node whose value lies in overflow pages (F_BIGDATA): the blocks table's
            if (b.getShort(i - 4) == 1 && b.getShort(i - 2) == key.length
                    && Arrays.equals(bytes, i, i + key.length, key, 0, key.length)) {
                bytes[i + key.length - 1] ^= 0x04; // the create TID's lowest byte
                flipped++;
            }
        }
        assertThat(flipped).as("the block's entry").isPositive();
        Files.write(file, bytes);

        try (Store s = Store.open(dir)) {
            HammerException e = catchThrowableOfType(HammerException.class, () -> read(s, f, Long.MAX_VALUE, data.length));
            assertThat(e.kind()).isEqualTo(HammerException.Kind.CORRUPT);
            assertThat(e.getMessage()).contains("its data is missing from the blocks table").contains("DATA");
            List<StoreCheck.Damage> found = check(s);
            assertThat(found).anySatisfy(d -> {
                assertThat(d.table()).isEqualTo("records");
                assertThat(d.key()).isEqualTo(k);
                assertThat(d.what()).contains("missing from the blocks table");
            }).anySatisfy(d -> {
                assertThat(d.table()).isEqualTo("blocks");
                assertThat(d.what()).contains("for a missing record");
            }).hasSize(2);
        }
        assertThat(Files.readAllBytes(file)).as("data.mdb after the reads and the check").isEqualTo(bytes);
    }

    private static Record.Header headerOfFirstBlock(Store s, long f) {
        return s.read(r -> {
            Record.Header[] h = {null};
            r.scan(new RecordKey(0, f, RecordType.DATA, 0, 0), new RecordKey(0, f, RecordType.DATA, -1L, -1L), false,
                    rec -> {
                        h[0] = r.head(rec.key());
                        return false;
                    });
            return h[0];
        });
    }

    /** {@code data} with four bytes appended that make its CRC32C 0. */
    private static byte[] withCrcZero(byte[] data) {
        int poly = 0x82F63B78; // CRC32C, reflected
        // The register the four bytes must leave: the final XOR (all ones) of it is the CRC, 0.
        int want = 0xFFFFFFFF;
        // Run the register back over 32 bits of zeros: each forward step shifts right and, when the
        // bit shifted out was 1, XORs the polynomial in, which sets the top bit.
        int r = want;
        for (int i = 0; i < 32; i++) {
            r = (r & 0x80000000) != 0 ? ((r ^ poly) << 1) | 1 : r << 1;
        }
        // The register after the data is the complement of its CRC; the four bytes (little-endian)
        // XORed into it give the register r found above.
        int x = r ^ ~Record.dataCrc(data);
        byte[] out = Arrays.copyOf(data, data.length + 4);
        ByteBuffer.wrap(out, data.length, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(x);
        return out;
    }
}
