package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Large sparse files, truncate, and the POSIX errors of {@link FsWriter}, on PFS #0 of a fresh store. */
class FsWriterTest {
    private static final long ROOT = FsReader.ROOT;

    @TempDir
    Path tmp;
    Store store;

    @BeforeEach
    void open() {
        store = Store.create(tmp.resolve("s"), "T", 1L << 30);
        Pfses.format(store, "T");
    }

    @AfterEach
    void close() {
        store.close();
    }

    <T> T write(Function<FsWriter, T> work) {
        return store.write(w -> work.apply(Pfses.writer(w, 0)));
    }

    void change(Consumer<FsWriter> work) {
        write(f -> {
            work.accept(f);
            return null;
        });
    }

    <T> T read(long asOf, Function<FsReader, T> work) {
        return store.read(r -> work.apply(new FsReader(r, 0, asOf)));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * readdir's pages, three entries each, with the cookie of the last entry of a page as the next
     * page's start: "." and ".." first, every name exactly once though half the cookies have the
     * top bit set (unsigned order) and two names share a hash, and a name neither made nor
     * removed between pages comes exactly once while others are.
     */
    @Test
    void readdirPagesByCookieGiveEachUnchangedNameOnce() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            names.add("n" + i);
        }
        names.add(SAME_HASH_A);
        names.add(SAME_HASH_B);
        change(f -> names.forEach(n -> f.mknod(ROOT, n, 0644, 0, 0, 0)));
        assertThat(names).anyMatch(n -> org.hammer.core.btree.DirEntry.hashKey(n) < 0)
                .anyMatch(n -> org.hammer.core.btree.DirEntry.hashKey(n) > 0);

        List<String> seen = new ArrayList<>();
        long cookie = 0;
        for (int page = 0; page < 100; page++) {
            long from = cookie;
            List<Entry> got = read(Tid.MAX, r -> r.readdir(ROOT, from, 3));
            if (got.isEmpty()) {
                break;
            }
            got.forEach(e -> seen.add(e.name()));
            cookie = got.get(got.size() - 1).cookie();
            if (page == 4) { // between pages: one name made, one removed of those not read yet
                List<String> unread = names.stream().filter(n -> !seen.contains(n)).sorted().toList();
                change(f -> {
                    f.unlink(ROOT, unread.get(0));
                    f.mknod(ROOT, "made", 0644, 0, 0, 0);
                });
                names.remove(unread.get(0));
            }
        }
        assertThat(seen.subList(0, 2)).containsExactly(".", "..");
        seen.remove("made");
        assertThat(seen.subList(2, seen.size())).containsExactlyInAnyOrderElementsOf(names);
        List<Entry> pastTheEnd = read(Tid.MAX, r -> r.readdir(ROOT, -1L, 3));
        assertThat(pastTheEnd).isEmpty();
    }

    /**
     * Reads both ways, into an array and into a direct buffer at a position other than 0, both
     * filled with a pattern first (so holes must be written as zeros), and checks they agree.
     */
    static byte[] readAll(FsReader r, long ino, long off, int len) {
        byte[] b = new byte[len];
        Arrays.fill(b, (byte) 0x5a);
        int k = r.read(ino, off, b, 0, len);
        java.nio.ByteBuffer d = java.nio.ByteBuffer.allocateDirect(len + 7);
        while (d.hasRemaining()) {
            d.put((byte) 0xa5);
        }
        d.position(3).limit(3 + len);
        assertThat(r.read(ino, off, d)).as("bytes read into a buffer").isEqualTo(k);
        assertThat(d.position()).as("the buffer's position moves past them").isEqualTo(3 + k);
        byte[] viaBuffer = new byte[k];
        d.get(3, viaBuffer);
        assertThat(viaBuffer).as("the same bytes either way").isEqualTo(Arrays.copyOf(b, k));
        assertThat(d.get(2)).as("nothing before the position is touched").isEqualTo((byte) 0xa5);
        return Arrays.copyOf(b, k);
    }

    /** Two names whose directory hash is the same (found by search): the second takes the next key. */
    private static final String SAME_HASH_A = "uystupaeez";
    private static final String SAME_HASH_B = "okrkjvngwp";

    @Test
    void namesWithTheSameHashKeepDistinctSlotsThroughCreatePlaceAndUnlink() {
        assertThat(org.hammer.core.btree.DirEntry.hashKey(SAME_HASH_A))
                .isEqualTo(org.hammer.core.btree.DirEntry.hashKey(SAME_HASH_B));
        long h = org.hammer.core.btree.DirEntry.hashKey(SAME_HASH_A);
        long[] ino = write(f -> new long[] {f.mknod(ROOT, SAME_HASH_A, 0644, 0, 0, 0),
                f.mknod(ROOT, SAME_HASH_B, 0644, 0, 0, 0)});
        read(Tid.MAX, r -> {
            assertThat(r.list(ROOT)).extracting(Entry::name, Entry::ino, Entry::cookie).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(SAME_HASH_A, ino[0], h),
                    org.assertj.core.groups.Tuple.tuple(SAME_HASH_B, ino[1], h + 1));
            return null;
        });
        assertThatThrownBy(() -> change(f -> f.mknod(ROOT, SAME_HASH_B, 0644, 0, 0, 0)))
                .hasMessageContaining("file exists");

        // Replacing B by a staged file keeps B's slot; replacing A (after A went) takes the first free one.
        long staged = write(f -> {
            long s = f.mkunnamed(ROOT, 0600, 0, 0);
            f.place(s, ROOT, SAME_HASH_B);
            return s;
        });
        change(f -> f.unlink(ROOT, SAME_HASH_A));
        long again = write(f -> f.mknod(ROOT, SAME_HASH_A, 0644, 0, 0, 0));
        read(Tid.MAX, r -> {
            assertThat(r.list(ROOT)).extracting(Entry::name, Entry::ino, Entry::cookie).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(SAME_HASH_A, again, h),
                    org.assertj.core.groups.Tuple.tuple(SAME_HASH_B, staged, h + 1));
            assertThat(r.lookup(ROOT, SAME_HASH_B)).isEqualTo(staged);
            assertThat(r.exists(ino[1])).isFalse();
            return null;
        });
        long placedOverA = write(f -> {
            long s = f.mkunnamed(ROOT, 0600, 0, 0);
            f.place(s, ROOT, SAME_HASH_A);
            return s;
        });
        read(Tid.MAX, r -> {
            assertThat(r.lookup(ROOT, SAME_HASH_A)).isEqualTo(placedOverA);
            assertThat(r.list(ROOT)).extracting(Entry::cookie).containsExactly(h, h + 1);
            return null;
        });
    }

    /**
     * Writes from a direct buffer (a mount's pooled payload) land as writes from an array do:
     * whole blocks stored from the buffer itself, partial ones merged, across the 1 MiB line where
     * blocks grow from 16 to 64 KiB, in separate transactions (a later write over an earlier
     * block) and in one; the buffer's position is left alone.
     */
    @Test
    void writesFromADirectBufferMatchAModelAcrossBlockSizes() {
        java.util.Random rnd = new java.util.Random(11);
        byte[] model = new byte[3 << 20];
        long ino = write(f -> f.mknod(ROOT, "d", 0644, 0, 0, 0));
        long[][] writes = {{0, 1 << 20}, {(1 << 20) - 5000, 140_000}, {65536 * 20, 65536}, {7, 3},
            {(2 << 20) + 100, 900_000}, {0, 16384}, {(1 << 20) + 65536, 65536 * 3}};
        for (int round = 0; round < 2; round++) {
            boolean oneTransaction = round == 1;
            List<long[]> batch = new ArrayList<>();
            for (long[] wr : writes) {
                batch.add(wr);
                if (!oneTransaction || wr == writes[writes.length - 1]) {
                    List<long[]> todo = List.copyOf(batch);
                    batch.clear();
                    change(f -> {
                        for (long[] x : todo) {
                            byte[] data = new byte[(int) x[1]];
                            rnd.nextBytes(data);
                            System.arraycopy(data, 0, model, (int) x[0], data.length);
                            java.nio.ByteBuffer src = java.nio.ByteBuffer.allocateDirect(data.length + 10);
                            src.position(10);
                            src.put(data).position(10);
                            assertThat(f.write(ino, x[0], src)).isEqualTo(data.length);
                            assertThat(src.position()).isEqualTo(10);
                        }
                    });
                }
            }
            long size = 0;
            for (long[] wr : writes) {
                size = Math.max(size, wr[0] + wr[1]);
            }
            long end = size;
            read(Tid.MAX, r -> {
                assertThat(r.getattr(ino).size()).isEqualTo(end);
                assertThat(readAll(r, ino, 0, (int) end)).isEqualTo(Arrays.copyOf(model, (int) end));
                return null;
            });
        }
    }

    @Test
    void aSparseFileBeyondFiveGibReadsBackWithHolesAsZeros() {
        long far = 5L << 30;
        long ino = write(f -> {
            long i = f.mknod(ROOT, "big", 0644, 0, 0, 0);
            f.write(i, 0, bytes("head"), 0, 4);
            f.write(i, far, bytes("tail"), 0, 4);
            f.write(i, (4L << 30) - 2, bytes("4GiB"), 0, 4);
            return i;
        });

        read(Tid.MAX, r -> {
            assertThat(r.getattr(ino).size()).isEqualTo(far + 4);
            assertThat(readAll(r, ino, 0, 4)).isEqualTo(bytes("head"));
            assertThat(readAll(r, ino, far - 2, 100)).isEqualTo(new byte[] {0, 0, 't', 'a', 'i', 'l'});
            assertThat(readAll(r, ino, (4L << 30) - 4, 8)).isEqualTo(new byte[] {0, 0, '4', 'G', 'i', 'B', 0, 0});
            assertThat(readAll(r, ino, 3L << 30, 70_000)).isEqualTo(new byte[70_000]);
            assertThat(readAll(r, ino, far + 4, 10)).isEmpty();
            return null;
        });
        assertThat(store.usedBytes()).as("holes take no space").isLessThan(4L << 20);
    }

    /**
     * A write whose pieces' CRCs were made beforehand (by a mount's worker) stores what a write
     * without them stores; the CRCs given are the ones stored, so one that does not match its
     * bytes is found by the read, never served.
     */
    @Test
    void aWriteWithItsPieceCrcsMadeBeforehandStoresTheSameAndUsesThem() {
        byte[] data = new byte[(3 << 20) + 5000];
        new Random(5).nextBytes(data);
        java.nio.ByteBuffer src = java.nio.ByteBuffer.allocateDirect(data.length + 10).position(10);
        src.put(data).position(10);
        long offset = 1000; // a first piece that does not begin its block, 16 KiB blocks, then 64 KiB ones
        int[] crcs = FsWriter.pieceCrcs(offset, src);
        assertThat(src.position()).as("left as it was").isEqualTo(10);
        long given = write(f -> {
            long i = f.mknod(ROOT, "given", 0644, 0, 0, 0);
            f.write(i, offset, src, crcs);
            return i;
        });
        long made = write(f -> {
            long i = f.mknod(ROOT, "made", 0644, 0, 0, 0);
            f.write(i, offset, src);
            return i;
        });
        read(Tid.MAX, r -> {
            byte[] expected = new byte[(int) offset + data.length];
            System.arraycopy(data, 0, expected, (int) offset, data.length);
            assertThat(readAll(r, given, 0, expected.length)).isEqualTo(expected);
            assertThat(readAll(r, made, 0, expected.length)).isEqualTo(expected);
            return null;
        });

        int[] bad = crcs.clone();
        bad[3] ^= 1; // the piece at 48 KiB, a whole 16 KiB block
        long damaged = write(f -> {
            long i = f.mknod(ROOT, "damaged", 0644, 0, 0, 0);
            f.write(i, offset, src, bad);
            return i;
        });
        read(Tid.MAX, r -> {
            assertThat(readAll(r, damaged, 0, 48 << 10)).hasSize(48 << 10);
            assertThatThrownBy(() -> readAll(r, damaged, 48 << 10, 100))
                    .isInstanceOf(org.hammer.core.btree.CorruptRecordException.class)
                    .hasMessageContaining("data checksum mismatch");
            return null;
        });
    }

    @Test
    void truncateCutsGrowsWithZerosAndKeepsHistory() {
        byte[] data = new byte[100_000];
        new Random(3).nextBytes(data);
        long ino = write(f -> {
            long i = f.mknod(ROOT, "f", 0644, 0, 0, 0);
            f.write(i, 0, data, 0, data.length);
            return i;
        });
        long full = store.lastTid();

        change(f -> f.truncate(ino, 50_001));
        long cut = store.lastTid();
        change(f -> f.truncate(ino, (1L << 20) + 5));
        change(f -> f.write(ino, 1L << 20, bytes("x"), 0, 1));

        read(Tid.MAX, r -> {
            assertThat(r.getattr(ino).size()).isEqualTo((1L << 20) + 5);
            assertThat(readAll(r, ino, 0, 50_001)).isEqualTo(Arrays.copyOf(data, 50_001));
            assertThat(readAll(r, ino, 50_001, 60_000)).as("cut bytes do not come back").isEqualTo(new byte[60_000]);
            assertThat(readAll(r, ino, 1L << 20, 10)).isEqualTo(new byte[] {'x', 0, 0, 0, 0});
            return null;
        });
        read(full, r -> assertThat(readAll(r, ino, 0, 200_000)).isEqualTo(data));
        read(cut, r -> assertThat(r.getattr(ino).size()).isEqualTo(50_001));
        change(f -> f.truncate(ino, 0));
        byte[] none = read(Tid.MAX, r -> readAll(r, ino, 0, 10));
        assertThat(none).isEmpty();
        assertThatThrownBy(() -> change(f -> f.truncate(ino, -1))).satisfies(errno(Errno.EINVAL));
    }

    static Consumer<Throwable> errno(Errno e) {
        return t -> assertThat(t).isInstanceOfSatisfying(FsException.class, fe -> assertThat(fe.errno()).isEqualTo(e));
    }

    /*
     * /
     * ├── d/
     * │   └── sub/
     * │       └── inner
     * ├── empty/
     * ├── file
     * └── link -> file
     */
    long[] tree() {
        return write(f -> {
            long d = f.mkdir(ROOT, "d", 0755, 0, 0);
            long sub = f.mkdir(d, "sub", 0755, 0, 0);
            f.mknod(sub, "inner", 0644, 0, 0, 0);
            f.mkdir(ROOT, "empty", 0755, 0, 0);
            long file = f.mknod(ROOT, "file", 0644, 0, 0, 0);
            f.symlink(ROOT, "link", "file", 0, 0);
            return new long[] {d, sub, file};
        });
    }

    /** Records of {@code ino} in PFS #0, every version, as "TYPE key deleted?". */
    java.util.List<String> records(long ino) {
        java.util.List<String> out = new java.util.ArrayList<>();
        store.read(r -> {
            r.scan(new org.hammer.core.btree.RecordKey(0, ino, org.hammer.core.btree.RecordType.INODE, 0, 0),
                    new org.hammer.core.btree.RecordKey(0, ino + 1, org.hammer.core.btree.RecordType.INODE, 0, 0),
                    false, rec -> out.add(rec.key().type() + (rec.deleteTid() == 0 ? "" : " deleted")));
            return null;
        });
        return out;
    }

    @Test
    void anUnnamedFileIsSeenOnlyOnceLinkedAndADiscardedOneLeavesAnEmptyInodeThatKeepsItsId() {
        byte[] data = new byte[200_000];
        new Random(3).nextBytes(data);
        long kept = write(f -> f.mkunnamed(ROOT, 0640, 1, 2));
        change(f -> f.write(kept, 0, data, 0, data.length));
        long dropped = write(f -> f.mkunnamed(ROOT, 0644, 0, 0));
        change(f -> f.write(dropped, 0, data, 0, data.length));

        java.util.List<Entry> listed = read(Tid.MAX, r -> r.list(ROOT));
        assertThat(listed).as("nothing shows either").isEmpty();
        long old = write(f -> f.mknod(ROOT, "kept", 0644, 0, 0, 0));
        change(f -> f.place(kept, ROOT, "kept"));
        change(f -> f.discard(dropped));

        read(Tid.MAX, r -> {
            assertThat(r.lookup(ROOT, "kept")).as("replacing the file there").isEqualTo(kept);
            assertThat(r.exists(old)).isFalse();
            assertThat(r.getattr(kept).nlink()).isEqualTo(1);
            assertThat(readAll(r, kept, 0, data.length)).isEqualTo(data);
            assertThat(r.getattr(dropped).size()).isZero();
            assertThat(r.getattr(dropped).nlink()).isZero();
            return null;
        });
        assertThat(records(dropped)).as("its data gone at once, every version; its empty inode keeps the id")
                .contains("INODE").allMatch(s -> s.startsWith("INODE"));
        long next = write(f -> f.mknod(ROOT, "next", 0644, 0, 0, 0));
        assertThat(next).as("a new id").isGreaterThan(dropped);
        assertThatThrownBy(() -> change(f -> f.discard(kept))).satisfies(errno(Errno.EINVAL));
    }

    @Test
    void missingNamesAndObjectsAreEnoent() {
        tree();
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.lookup(ROOT, "nope"))).satisfies(errno(Errno.ENOENT));
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.getattr(9999))).satisfies(errno(Errno.ENOENT));
        assertThatThrownBy(() -> change(f -> f.unlink(ROOT, "nope"))).satisfies(errno(Errno.ENOENT));
        assertThatThrownBy(() -> change(f -> f.rmdir(ROOT, "nope"))).satisfies(errno(Errno.ENOENT));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "nope", ROOT, "x"))).satisfies(errno(Errno.ENOENT));
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.getxattr(ROOT, "user.none"))).satisfies(errno(Errno.ENODATA));
    }

    @Test
    void existingNamesAreEexist() {
        long[] t = tree();
        assertThatThrownBy(() -> change(f -> f.mkdir(ROOT, "d", 0755, 0, 0))).satisfies(errno(Errno.EEXIST));
        assertThatThrownBy(() -> change(f -> f.mknod(ROOT, "empty", 0644, 0, 0, 0))).satisfies(errno(Errno.EEXIST));
        assertThatThrownBy(() -> change(f -> f.symlink(ROOT, "file", "x", 0, 0))).satisfies(errno(Errno.EEXIST));
        assertThatThrownBy(() -> change(f -> f.link(t[2], ROOT, "link"))).satisfies(errno(Errno.EEXIST));
    }

    @Test
    void nonEmptyDirectoriesAreEnotempty() {
        tree();
        assertThatThrownBy(() -> change(f -> f.rmdir(ROOT, "d"))).satisfies(errno(Errno.ENOTEMPTY));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "empty", ROOT, "d"))).satisfies(errno(Errno.ENOTEMPTY));
    }

    @Test
    void directoriesWhereFilesAreExpectedAreEisdir() {
        long[] t = tree();
        assertThatThrownBy(() -> change(f -> f.unlink(ROOT, "d"))).satisfies(errno(Errno.EISDIR));
        assertThatThrownBy(() -> change(f -> f.write(t[0], 0, new byte[1], 0, 1))).satisfies(errno(Errno.EISDIR));
        assertThatThrownBy(() -> change(f -> f.truncate(t[0], 0))).satisfies(errno(Errno.EISDIR));
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.read(t[0], 0, new byte[1], 0, 1))).satisfies(errno(Errno.EISDIR));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "file", ROOT, "empty"))).satisfies(errno(Errno.EISDIR));
    }

    @Test
    void filesWhereDirectoriesAreExpectedAreEnotdir() {
        long[] t = tree();
        assertThatThrownBy(() -> change(f -> f.rmdir(ROOT, "file"))).satisfies(errno(Errno.ENOTDIR));
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.lookup(t[2], "x"))).satisfies(errno(Errno.ENOTDIR));
        assertThatThrownBy(() -> change(f -> f.mkdir(t[2], "x", 0755, 0, 0))).satisfies(errno(Errno.ENOTDIR));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "empty", ROOT, "file"))).satisfies(errno(Errno.ENOTDIR));
    }

    @Test
    void movingADirectoryIntoItselfIsEinval() {
        long[] t = tree();
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "d", t[0], "x"))).satisfies(errno(Errno.EINVAL));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "d", t[1], "x"))).satisfies(errno(Errno.EINVAL));
        for (String bad : new String[] {"", ".", "..", "a/b", "a@@b", "a@@0x0000000100000000"}) {
            assertThatThrownBy(() -> change(f -> f.mknod(ROOT, bad, 0644, 0, 0, 0))).satisfies(errno(Errno.EINVAL));
        }
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.readlink(t[2]))).satisfies(errno(Errno.EINVAL));
        read(Tid.MAX, r -> assertThat(r.lookup(t[1], "inner")).isPositive());
    }

    @Test
    void namesLongerThan255BytesAreEnametoolong() {
        change(f -> f.mknod(ROOT, "n".repeat(255), 0644, 0, 0, 0));
        assertThatThrownBy(() -> change(f -> f.mknod(ROOT, "n".repeat(256), 0644, 0, 0, 0)))
                .satisfies(errno(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, "n".repeat(255), ROOT, "é".repeat(128))))
                .satisfies(errno(Errno.ENAMETOOLONG));
    }

    @Test
    void lookingUpOrRemovingANameLongerThan255BytesIsEnametoolongNotEnoent() {
        String name = "é".repeat(127) + "ab";
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.lookup(ROOT, name))).satisfies(errno(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> change(f -> f.unlink(ROOT, name))).satisfies(errno(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> change(f -> f.rmdir(ROOT, name))).satisfies(errno(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> change(f -> f.rename(ROOT, name, ROOT, "x"))).satisfies(errno(Errno.ENAMETOOLONG));
        assertThatThrownBy(() -> read(Tid.MAX, r -> r.lookup(ROOT, "é".repeat(127) + "a")))
                .satisfies(errno(Errno.ENOENT));
    }

    /** What st_blocks counts: the bytes in stored blocks, none for a hole, whatever the size says. */
    @Test
    void storedBytesCountBlocksNotHoles() {
        long gib = 1L << 30;
        long sparse = write(f -> f.mknod(ROOT, "sparse", 0100644, 0, 0, 0));
        change(f -> f.write(sparse, gib - 4096, new byte[4096], 0, 4096));
        assertThat((long) read(Tid.MAX, r -> r.storedBytes(sparse, gib))).as("one 64 KiB block at the end")
                .isEqualTo(64L * 1024);

        long dense = write(f -> f.mknod(ROOT, "dense", 0100644, 0, 0, 0));
        long size = (1 << 20) + 100_000;
        change(f -> f.write(dense, 0, new byte[(int) size], 0, (int) size));
        assertThat((long) read(Tid.MAX, r -> r.storedBytes(dense, size))).isEqualTo(size);

        long before = store.lastTid();
        change(f -> f.truncate(dense, 10));
        change(f -> f.truncate(dense, size));
        assertThat((long) read(Tid.MAX, r -> r.storedBytes(dense, size))).as("grown again: block 0 only (whole, as a disk counts its allocation unit), then a hole")
                .isEqualTo(16L * 1024);
        assertThat((long) read(before, r -> r.storedBytes(dense, size))).as("as of before the truncate").isEqualTo(size);
    }
}
