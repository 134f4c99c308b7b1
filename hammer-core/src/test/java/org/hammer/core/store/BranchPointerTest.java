package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child pointer of a branch page changed by damage so that it lands on another valid page. LMDB
 * checks no page, and its answers agree with the wrong pointer: a key on the lost page is reported
 * absent, its neighbours are in order. The store holds every search's path to the branch keys and
 * to the free list, so such a lookup, scan or write is refused as damage, never answered.
 *
 * <pre>
 * s.hammer/   records of PFS 1, objects 1..N (INODE, 20 bytes each): a records tree of two levels
 * </pre>
 */
class BranchPointerTest {
    private static final int PAGE = 4096;
    private static final int OBJECTS = 2000;

    @TempDir
    Path tmp;
    Path dir;
    Path data;
    /** TID of the transaction that wrote the objects. */
    long tid;

    @BeforeEach
    void store() {
        dir = tmp.resolve("s.hammer");
        data = dir.resolve("data.mdb");
        try (LmdbStore s = LmdbStore.create(dir, "S", 1L << 30)) {
            tid = s.write(w -> {
                for (int obj = 1; obj <= OBJECTS; obj++) {
                    w.insert(Record.live(new RecordKey(1, obj, RecordType.INODE, 0, w.tid()), 1, new byte[20]));
                }
                return w.tid();
            });
        }
    }

    private RecordKey key(long obj) {
        return new RecordKey(1, obj, RecordType.INODE, 0, tid);
    }

    /** The page numbers of the records root's children, in key order, and the first key of each. */
    private record Root(long page, List<Long> children, List<byte[]> keys) {
    }

    private static ByteBuffer file(Path data) throws IOException {
        return ByteBuffer.wrap(Files.readAllBytes(data)).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int nodeAt(ByteBuffer f, long page, int i) {
        return (int) (page * PAGE) + Short.toUnsignedInt(f.getShort((int) (page * PAGE) + 16 + 2 * i));
    }

    private static int nodes(ByteBuffer f, long page) {
        return (Short.toUnsignedInt(f.getShort((int) (page * PAGE) + 12)) - 16) / 2;
    }

    private static byte[] nodeKey(ByteBuffer f, int node) {
        byte[] k = new byte[Short.toUnsignedInt(f.getShort(node + 6))];
        f.get(node + 8, k);
        return k;
    }

    private static long childOf(ByteBuffer f, int node) {
        return Short.toUnsignedLong(f.getShort(node)) | Short.toUnsignedLong(f.getShort(node + 2)) << 16
                | Short.toUnsignedLong(f.getShort(node + 4)) << 32;
    }

    /**
     * Where the records table's root page number lies in the file: in its record in the main
     * table, found from the newest meta page (LMDB 0.9's layout).
     */
    private static int recordsRootAt(ByteBuffer f) {
        int meta = f.getLong(144) > f.getLong(PAGE + 144) ? 0 : PAGE;
        long main = f.getLong(meta + 128);
        for (int i = 0; i < nodes(f, main); i++) {
            int node = nodeAt(f, main, i);
            byte[] name = nodeKey(f, node);
            if (new String(name, StandardCharsets.US_ASCII).equals("records")) {
                return node + 8 + name.length + 40;
            }
        }
        throw new AssertionError("no records table in the main table");
    }

    /** Reads the records table's root and its children. */
    private Root root() throws IOException {
        ByteBuffer f = file(data);
        long root = f.getLong(recordsRootAt(f));
        assertThat(f.getShort((int) (root * PAGE) + 10) & 0x03).as("records' root is a branch page").isEqualTo(1);
        int child = (int) (childOf(f, nodeAt(f, root, 0)) * PAGE);
        assertThat(f.getShort(child + 10) & 0x03).as("over leaf pages").isEqualTo(2);
        List<Long> children = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int c = 0; c < nodes(f, root); c++) {
            int n = nodeAt(f, root, c);
            children.add(childOf(f, n));
            keys.add(nodeKey(f, n));
        }
        return new Root(root, children, keys);
    }

    /** Points child {@code i} of the records root at {@code page}. */
    private void repoint(Root r, int i, long page) throws IOException {
        ByteBuffer f = file(data);
        int node = nodeAt(f, r.page(), i);
        f.putShort(node, (short) page).putShort(node + 2, (short) (page >>> 16)).putShort(node + 4, (short) (page >>> 32));
        Files.write(data, f.array());
    }

    /** The object of a records key (pfs u16, obj u64, ...). */
    private static long objectOf(byte[] key) {
        return ByteBuffer.wrap(key).getLong(2);
    }

    /** What a scrub of the store reports. */
    private List<StoreCheck.Damage> scrub() {
        try (Store s = Store.open(dir)) {
            List<StoreCheck.Damage> found = new ArrayList<>();
            s.check(found::add);
            return found;
        }
    }

    private static void assertDamaged(Runnable r) {
        assertThatThrownBy(r::run).isInstanceOf(HammerException.class)
                .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT))
                .hasMessageContaining("records: a branch page points");
    }

    @Test
    void aPointerMovedToALiveSiblingIsRefusedByLookupScanAndWrite() throws IOException {
        Root r = root();
        assertThat(r.children()).hasSizeGreaterThan(3);
        long lost = objectOf(r.keys().get(1)) + 1; // on child 1, neither its first nor its last key
        try (Store s = Store.open(dir)) {
            Record before = s.read(t -> t.get(key(lost)));
            assertThat(before).as("found before the damage").isNotNull();
        }
        repoint(r, 1, r.children().get(2));
        byte[] damaged = Files.readAllBytes(data);
        try (Store s = Store.open(dir)) {
            assertDamaged(() -> s.read(t -> t.get(key(lost))));
            assertDamaged(() -> s.read(t -> t.visible(1, lost, RecordType.INODE, 0, tid)));
            // a scan meets the moved page's keys twice (or out of order): refused as damage too
            assertThatThrownBy(() -> s.read(t -> {
                t.scan(key(0), key(OBJECTS + 1), false, x -> true);
                return null;
            })).satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT));
            assertDamaged(() -> s.write(w -> {
                w.insert(Record.live(new RecordKey(1, lost, RecordType.INODE, 0, w.tid()), 1, new byte[10]));
                return null;
            }));
        }
        assertThat(scrub()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("records");
            assertThat(d.what()).contains("a branch page points to a page whose keys lie outside the branch's range");
        });
        assertThat(Files.readAllBytes(data)).as("a damaged store is not changed").isEqualTo(damaged);
    }

    @Test
    void aPointerMovedToAnOlderCopyOfItsOwnPageIsRefused() throws IOException {
        long older = root().children().get(0);
        // Object 5 deleted: LMDB copies child 0 (same keys, one value changed) and frees the page it had.
        RecordKey five = key(5);
        try (Store s = Store.open(dir)) {
            s.write(w -> {
                w.setDelete(five, w.tid(), 2);
                return null;
            });
        }
        Root r = root();
        assertThat(r.children().get(0)).as("child 0 was copied").isNotEqualTo(older);
        try (Store s = Store.open(dir)) {
            Record before = s.read(t -> t.get(five));
            assertThat(before.deleteTid()).isNotZero();
        }
        // The older copy holds the same keys, in order, with good checksums, and object 5 alive:
        // only the free list tells it from the live page.
        repoint(r, 0, older);
        try (Store s = Store.open(dir)) {
            assertThatThrownBy(() -> s.read(t -> t.get(five))).isInstanceOf(HammerException.class)
                    .hasMessageContaining("free page");
            assertThatThrownBy(() -> s.read(t -> {
                t.scan(key(0), key(OBJECTS + 1), false, x -> true);
                return null;
            })).hasMessageContaining("free page");
        }
        assertThat(scrub()).anySatisfy(d -> {
            assertThat(d.table()).isEqualTo("records");
            assertThat(d.what()).contains("page " + older + ": a branch page points to a free page");
        });
    }

    @Test
    void aLeafThatLostItsLastEntriesToADamagedNodeCountIsRefused() throws IOException {
        Root r = root();
        long leaf = r.children().get(1);
        ByteBuffer f = file(data);
        int n = nodes(f, leaf);
        long last = objectOf(nodeKey(f, nodeAt(f, leaf, n - 1)));
        // The page's node count (lower) four entries short: its last four keys are gone, the
        // rest in order and in range, their neighbours consistent.
        int lower = (int) (leaf * PAGE) + 12;
        f.putShort(lower, (short) (f.getShort(lower) - 8));
        Files.write(data, f.array());
        try (Store s = Store.open(dir)) {
            assertThatThrownBy(() -> s.read(t -> t.get(key(last)))).isInstanceOf(HammerException.class)
                    .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT))
                    .hasMessageContaining("node table does not match its nodes");
        }
        assertThat(scrub()).anySatisfy(d -> assertThat(d.what()).contains("page " + leaf + ": a page's node table"));
    }

    @Test
    void aTablesRootOutsideTheFileIsRefusedAsDamage() throws IOException {
        ByteBuffer f = file(data);
        int root = recordsRootAt(f);
        f.putLong(root, f.getLong(root) | 1L << 40);
        Files.write(data, f.array());
        try (Store s = Store.open(dir)) {
            // LMDB fails the transaction when its cursor is set up and reports it at the next call
            assertThatThrownBy(() -> s.read(t -> t.get(key(5)))).isInstanceOf(HammerException.class)
                    .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT));
        }
        assertThat(scrub()).anySatisfy(d -> assertThat(d.what()).contains("points outside the tree"));
    }

    @Test
    void anUndamagedStoreAnswersEveryLookupAndScan() {
        try (Store s = Store.open(dir)) {
            s.read(t -> {
                for (long obj = 0; obj <= OBJECTS + 1; obj += 7) {
                    Record rec = t.get(key(obj));
                    assertThat(rec != null).as("object " + obj).isEqualTo(obj >= 1 && obj <= OBJECTS);
                    // a key between two stored ones: absent, and the path to it is checked
                    assertThat(t.get(new RecordKey(1, obj, RecordType.INODE, 1, tid))).isNull();
                }
                int[] n = {0};
                t.scan(key(0), key(OBJECTS + 1), false, x -> ++n[0] > 0);
                assertThat(n[0]).isEqualTo(OBJECTS);
                return null;
            });
        }
        assertThat(scrub()).as("the pages of every table walked, and their counts").isEmpty();
    }
}
