package org.hammer.core.scrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.pfs.ResumeCursor;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * STORE                        PFS #0
 *   pfs/
 *     test -> @@PFS00001       master
 *       d/
 *         file                 8 KiB starting with MARK1 (in the blocks table: one copy in data.mdb)
 *     other -> @@PFS00002      master
 *       g                      8 KiB starting with MARK2
 */
class ScrubTest {
    private static final byte[] MARK1 = "SCRUB-MARK-ONE-1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MARK2 = "SCRUB-MARK-TWO-2".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;
    Path dir;
    DataFile data;
    long pfsDir;
    int test;
    int other;
    long d;
    long file;
    long g;

    @BeforeEach
    void store() {
        dir = tmp.resolve("s");
        data = new DataFile(dir);
        try (Store store = Store.create(dir, "T", 1L << 30)) {
            Pfses.format(store, "T");
            pfsDir = store.write(w -> Pfses.writer(w, 0).mkdir(FsReader.ROOT, "pfs", 0755, 0, 0));
            test = Pfses.create(store, pfsDir, "test", PfsMode.MASTER, null).id();
            other = Pfses.create(store, pfsDir, "other", PfsMode.MASTER, null).id();
            d = store.write(w -> Pfses.writer(w, test).mkdir(FsReader.ROOT, "d", 0755, 0, 0));
            file = store.write(w -> put(Pfses.writer(w, test), d, "file", MARK1));
            g = store.write(w -> put(Pfses.writer(w, other), FsReader.ROOT, "g", MARK2));
        }
    }

    private static long put(FsWriter f, long dir, String name, byte[] mark) {
        long ino = f.mknod(dir, name, 0644, 0, 0, 0);
        byte[] b = new byte[8192];
        new Random(name.hashCode()).nextBytes(b);
        System.arraycopy(mark, 0, b, 0, mark.length);
        f.write(ino, 0, b, 0, b.length);
        return ino;
    }

    record Scrubbed(ScrubResult result, List<Finding> findings) {
    }

    /** Scrubs {@code pfs} (or the whole store), checking that data.mdb is the same before and after. */
    private Scrubbed scrub(int pfs) {
        String before = data.sha256();
        List<Finding> found = new ArrayList<>();
        ScrubResult r;
        try (Store s = Store.open(dir)) {
            r = Scrub.run(s, pfs, null, found::add);
        }
        assertThat(data.sha256()).as("data.mdb after the scrub").isEqualTo(before);
        assertThat(r.damaged()).isEqualTo(found.size());
        return new Scrubbed(r, found);
    }

    private RecordKey keyOf(int pfs, long obj, RecordType type) {
        try (Store s = Store.open(dir)) {
            return s.read(r -> {
                RecordKey[] k = {null};
                r.scan(new RecordKey(pfs, obj, type, 0, 0), new RecordKey(pfs, obj, type, -1L, -1L), false, rec -> {
                    k[0] = rec.key();
                    return false;
                });
                return k[0];
            });
        }
    }

    /** A change-index key: pfs u16 | tid u64 | record key. */
    private static byte[] changeKey(long tid, RecordKey k) {
        ByteBuffer b = ByteBuffer.allocate(2 + 8 + RecordKey.BYTES);
        b.putShort((short) k.pfs()).putLong(tid);
        k.writeTo(b);
        return b.array();
    }

    private long markAt(byte[] mark) {
        List<Long> at = data.find(mark);
        assertThat(at).as("copies of the marker in data.mdb").hasSize(1);
        return at.get(0);
    }

    private String path(String rel) {
        return dir + "/" + rel;
    }

    private long newest() {
        try (Store s = Store.open(dir)) {
            return s.lastTid();
        }
    }

    private void change(java.util.function.Consumer<org.hammer.core.store.StoreWriter> op) {
        try (Store s = Store.open(dir)) {
            s.apply(w -> {
                op.accept(w);
                return null;
            });
        }
    }

    @Test
    void cleanStoreHasNoDamageAndCountsWhatItRead() {
        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).isEmpty();
        assertThat(s.result().clean()).isTrue();
        assertThat(s.result().pfses()).isEqualTo(3);
        assertThat(s.result().records()).isGreaterThan(10);
        assertThat(s.result().changes()).isGreaterThan(s.result().records());
        assertThat(s.result().metaEntries()).isGreaterThanOrEqualTo(5);
        assertThat(s.result().bytes()).isGreaterThan(2 * 8192);
        assertThat(s.result().summary("scrub x")).startsWith("scrub x: 3 PFSes, ").contains(" MB/s)");
    }

    /**
     * A file's inode that counts other blocks than the file has (store format 4), with every
     * checksum right: found by the count check and named with its path; the file before it counts
     * right, and a store without the wrong count is clean (above).
     */
    @Test
    void anInodeThatCountsOtherBlocksThanItsFileHasIsReported() {
        RecordKey k = keyOf(test, file, RecordType.INODE);
        try (Store st = Store.open(dir)) {
            st.write(w -> {
                Inode i = Inode.decode(w.get(k).data());
                assertThat(i.blockBytes()).as("8 KiB written: one block of 16 KiB").isEqualTo(16384);
                w.setDelete(k, w.tid(), w.nowMicros());
                w.insert(Record.live(new RecordKey(test, file, RecordType.INODE, 0, w.tid()), w.nowMicros(),
                        i.withBlockBytes(32768).encode()));
                return null;
            });
        }

        Scrubbed s = scrub(test);

        assertThat(s.findings()).hasSize(1);
        assertThat(s.findings().get(0).line()).contains("INODE",
                "/d/file: the inode counts 32768 bytes of blocks; the file's blocks add up to 16384");
    }

    @Test
    void flippedFileDataIsADataChecksumMismatchOfThatFileWithItsPath() {
        data.flip(markAt(MARK1) + 3);

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.table()).isEqualTo("records");
            assertThat(f.key()).isEqualTo(keyOf(test, file, RecordType.DATA));
            assertThat(f.what()).isEqualTo("data checksum mismatch");
            assertThat(f.path()).isEqualTo(path("pfs/test/d/file"));
            assertThat(f.line()).isEqualTo(String.format("damaged PFS#1 obj 0x%016x DATA key 0x0000000000000000"
                    + " tid 0x%016x path %s: data checksum mismatch", file, f.key().createTid(), path("pfs/test/d/file")));
        });
        assertThat(s.result().clean()).isFalse();
    }

    @Test
    void flippedRecordHeaderIsARecordChecksumMismatch() {
        RecordKey k = keyOf(test, file, RecordType.DATA);
        // The value header (delete_tid, create_ts, delete_ts, data_crc, record_crc: 32 bytes) is the
        // whole value: the block's data lies in the blocks table.
        List<Long> values = data.leafValues(k.toBytes(), Record.VALUE_HEADER);
        assertThat(values).isNotEmpty();
        values.forEach(v -> data.flip(v + 8 + 5));

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo(k);
            assertThat(f.what()).isEqualTo("record checksum mismatch");
            assertThat(f.path()).isEqualTo(path("pfs/test/d/file"));
        });
    }

    @Test
    void flippedChangeEntryIsReportedWithTheRecordItNames() {
        RecordKey k = keyOf(test, file, RecordType.DATA);
        List<Long> values = data.leafValues(changeKey(k.createTid(), k), 5);
        assertThat(values).isNotEmpty();
        values.forEach(v -> data.flip(v + 2)); // inside the entry's CRC

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.table()).isEqualTo("changes");
            assertThat(f.key()).isEqualTo(k);
            assertThat(f.what()).endsWith("checksum mismatch");
            assertThat(f.path()).isEqualTo(path("pfs/test/d/file"));
        });
    }

    @Test
    void missingChangeEntryIsReportedForItsRecord() {
        // The create entry of the file's block is made to name a record one TID later, with a valid CRC:
        // a misdirected write. The record has lost its entry; the entry names nothing.
        RecordKey k = keyOf(test, file, RecordType.DATA);
        RecordKey elsewhere = new RecordKey(k.pfs(), k.obj(), k.type(), k.key(), k.createTid() + 1);
        byte[] moved = changeKey(k.createTid(), elsewhere);
        CRC32C crc = new CRC32C();
        crc.update(moved);
        crc.update(1);
        byte[] value = ByteBuffer.allocate(5).put((byte) 1).putInt((int) crc.getValue()).array();
        List<Long> values = data.leafValues(changeKey(k.createTid(), k), 5);
        assertThat(values).isNotEmpty();
        for (long v : values) {
            data.write(v - moved.length, moved);
            data.write(v, value);
        }

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo(k);
            assertThat(f.what()).startsWith("record has no change entry for its create at");
            assertThat(f.path()).isEqualTo(path("pfs/test/d/file"));
        }).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo(elsewhere);
            assertThat(f.what()).contains("names a missing record");
        }).hasSize(2);
    }

    @Test
    void flippedMetaEntryIsReportedOnceAndItsPfsIsLeftAlone() {
        List<Long> values = data.leafValues("pfs/00002".getBytes(StandardCharsets.UTF_8), -1);
        assertThat(values).isNotEmpty();
        values.forEach(v -> data.flip(v + 3));

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.table()).isEqualTo("meta");
            assertThat(f.line()).isEqualTo("damaged store: meta entry 'pfs/00002': checksum mismatch");
        });
        assertThat(s.result().pfses()).isEqualTo(2);
    }

    @Test
    void pathIsUnknownWhenNamingTheObjectMeetsDamageToo() {
        data.flip(markAt(MARK1) + 3);
        RecordKey entry = keyOf(test, d, RecordType.DIRENTRY);
        // DIRENTRY data: child u64, type u32, name ("file").
        List<Long> values = data.leafValues(entry.toBytes(), Record.VALUE_HEADER + 12 + 4);
        assertThat(values).isNotEmpty();
        values.forEach(v -> data.flip(v + Record.VALUE_HEADER + 12));

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo(entry);
            assertThat(f.what()).isEqualTo("data checksum mismatch");
            assertThat(f.path()).isEqualTo(path("pfs/test/d"));
        }).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo(keyOf(test, file, RecordType.DATA));
            assertThat(f.path()).isEqualTo(Finding.PATH_UNKNOWN);
            assertThat(f.line()).contains(" path unknown: data checksum mismatch");
        }).hasSize(2);
    }

    @Test
    void scrubOfOnePfsReadsOnlyItsRecordsAndChanges() {
        data.flip(markAt(MARK2) + 3);
        long all = scrub(Scrub.WHOLE_STORE).result().records();

        Scrubbed one = scrub(test);
        Scrubbed two = scrub(other);

        assertThat(one.findings()).isEmpty();
        assertThat(one.result().pfses()).isEqualTo(1);
        assertThat(one.result().records()).isLessThan(all);
        assertThat(two.findings()).singleElement().satisfies(f -> {
            assertThat(f.key()).isEqualTo(keyOf(other, g, RecordType.DATA));
            assertThat(f.path()).as("no link read: the PFS is named by id").isEqualTo(path("@@PFS00002/g"));
        });
        assertThat(one.result().records() + two.result().records()).isLessThan(all);
    }

    @Test
    void lineageSegmentsOutOfOrderAreReported() {
        long newest = newest();
        UUID u = UUID.randomUUID();
        change(w -> PfsTable.put(w, PfsTable.get(w, test).withLineage(List.of(
                new LineageSegment(u, newest - 4, newest - 3), new LineageSegment(u, newest - 6, newest - 5)))));

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.pfs()).isEqualTo(test);
            assertThat(f.key()).isNull();
            assertThat(f.line()).startsWith("damaged PFS#1: lineage segment 2 ").contains("does not follow segment 1");
        });
    }

    @Test
    void slaveWithSyncBegAfterSyncEndAndACursorAtItsSyncPointIsReported() {
        long newest = newest();
        int slave;
        try (Store s = Store.open(dir)) {
            slave = Pfses.create(s, pfsDir, "slave", PfsMode.SLAVE, UUID.randomUUID()).id();
        }
        RecordKey k = keyOf(test, file, RecordType.DATA);
        change(w -> PfsTable.put(w, PfsTable.get(w, slave).withSync(newest, newest - 1)
                .withCursor(new ResumeCursor(newest - 1, k))));

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).extracting(Finding::line).containsExactlyInAnyOrder(
                "damaged PFS#" + slave + ": sync-beg-tid " + org.hammer.core.tid.Tid.format(newest)
                        + " is after its sync-end-tid " + org.hammer.core.tid.Tid.format(newest - 1),
                "damaged PFS#" + slave + ": resume cursor at " + org.hammer.core.tid.Tid.format(newest - 1)
                        + " is not after its sync-end-tid " + org.hammer.core.tid.Tid.format(newest - 1));
    }

    @Test
    void pfsLinkToAMissingPfsIsReportedWithTheLinksPath() {
        try (Store s = Store.open(dir)) {
            s.write(w -> Pfses.writer(w, 0).symlink(pfsDir, "ghost", "@@PFS00009", 0, 0));
        }

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).singleElement().satisfies(f -> {
            assertThat(f.key().pfs()).isZero();
            assertThat(f.key().type()).isEqualTo(RecordType.SYMLINK);
            assertThat(f.what()).isEqualTo("PFS link @@PFS00009 names PFS#9, which does not exist");
            assertThat(f.path()).isEqualTo(path("pfs/ghost"));
        });
    }

    @Test
    void recordNewerThanTheStoreAndRecordsOfAPfsWithoutRecordAreReported() {
        long newest = newest();
        change(w -> {
            w.insert(Record.live(new RecordKey(test, 99, RecordType.XATTR, 0, newest + 100), 0, new byte[] {1}));
            w.insert(Record.live(new RecordKey(7, 1, RecordType.INODE, 0, newest - 1), 0, new byte[] {1}));
        });

        Scrubbed s = scrub(Scrub.WHOLE_STORE);

        assertThat(s.findings()).extracting(Finding::line).containsExactlyInAnyOrder(
                "damaged PFS#1 obj 0x0000000000000063 XATTR key 0x0000000000000000 tid "
                        + org.hammer.core.tid.Tid.format(newest + 100) + " path unknown: created at "
                        + org.hammer.core.tid.Tid.format(newest + 100) + ", after the store's newest TID "
                        + org.hammer.core.tid.Tid.format(newest),
                "damaged PFS#7: records of a PFS that has no PFS record");
    }

    @Test
    void targetOfAStoreIsTheWholeStoreAndOfAPathInAPfsThatPfs() {
        ScrubTarget whole = ScrubTarget.resolve(dir.toString());
        ScrubTarget pfs = ScrubTarget.resolve(path("pfs/test"));
        ScrubTarget inside = ScrubTarget.resolve(path("pfs/test/d/file"));

        assertThat(whole).isEqualTo(new ScrubTarget(dir, Scrub.WHOLE_STORE, dir.toString(), null));
        assertThat(pfs).isEqualTo(new ScrubTarget(dir, test, path("pfs/test"), null));
        assertThat(inside).isEqualTo(new ScrubTarget(dir, test, path("pfs/test"), null));
        assertThatThrownBy(() -> ScrubTarget.resolve(path("pfs/test/nothing")))
                .isInstanceOfSatisfying(HammerException.class,
                        e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.NOT_FOUND));
    }
}
