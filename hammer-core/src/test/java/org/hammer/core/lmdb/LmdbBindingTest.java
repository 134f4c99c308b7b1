package org.hammer.core.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hammer's JNI binding of LMDB, against a real environment on disk. */
class LmdbBindingTest {
    @TempDir
    Path dir;

    private static ByteBuffer direct(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocateDirect(b.length).put(b).flip();
    }

    /** Puts {@code key} = {@code value} in table {@code t} and commits. */
    private static void commit(Env env, Dbi t, String key, String value) {
        try (Txn w = env.txnWrite()) {
            t.put(w, direct(key), direct(value));
            w.commit();
        }
    }

    private static String text(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return new String(a, StandardCharsets.UTF_8);
    }

    @Test
    void putGetReserveDeleteAndCursorsInKeyOrder() {
        try (Env env = Env.open(dir, 1 << 24, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            try (Txn w = env.txnWrite()) {
                t.put(w, direct("b"), direct("two"));
                t.put(w, direct("a"), direct("one"));
                ByteBuffer r = t.reserve(w, direct("c"), 5);
                assertThat(r.remaining()).isEqualTo(5);
                r.put("three".getBytes(StandardCharsets.UTF_8));
                // unsigned byte order: 0xff sorts after every letter
                t.put(w, ByteBuffer.allocateDirect(1).put((byte) 0xff).flip(), direct("last"));
                w.commit();
            }
            try (Txn r = env.txnRead()) {
                assertThat(text(t.get(r, direct("a")))).isEqualTo("one");
                assertThat(text(t.get(r, direct("c")))).isEqualTo("three");
                assertThat(t.get(r, direct("zz"))).isNull();
                List<String> keys = new ArrayList<>();
                try (Cursor c = t.openCursor(r)) {
                    for (boolean ok = c.first(); ok; ok = c.next()) {
                        keys.add(text(c.key()).length() == 1 && c.key().get(0) == (byte) 0xff ? "ff" : text(c.key()));
                    }
                    assertThat(c.seekRange(direct("bb"))).isTrue();
                    assertThat(text(c.key())).isEqualTo("c");
                    assertThat(c.prev()).isTrue();
                    assertThat(text(c.val())).isEqualTo("two");
                    assertThat(c.last()).isTrue();
                    assertThat(text(c.val())).isEqualTo("last");
                    assertThat(c.next()).isFalse();
                }
                assertThat(keys).containsExactly("a", "b", "c", "ff");
                assertThat(r.id()).isEqualTo(env.info().lastTxnId());
            }
            try (Txn w = env.txnWrite()) {
                assertThat(t.delete(w, direct("b"))).isTrue();
                assertThat(t.delete(w, direct("b"))).isFalse();
                w.commit();
            }
            try (Txn r = env.txnRead()) {
                assertThat(t.get(r, direct("b"))).isNull();
                assertThat(t.flags(r)).isZero();
            }
            assertThat(env.pageSize()).isEqualTo(4096);
            assertThat(env.info().mapAddress()).as("LMDB reports an address only for a fixed map").isZero();
            assertThat(env.info().mapSize()).isEqualTo(1 << 24);
        }
    }

    /** Native.writeStats, as a record. */
    private record Writes(boolean hooked, long calls, long split, long pieces, long largest, long piece,
            boolean directOn, long directWrites, long directBytes, long directRefused, long directMin,
            long recached) {
        static Writes now() {
            long[] s = new long[12];
            Native.writeStats(s);
            return new Writes(s[0] != 0, s[1], s[2], s[3], s[4], s[5], s[6] != 0, s[7], s[8], s[9], s[10], s[11]);
        }
    }

    /** 64 KiB values filled with {@code i + salt}: contiguous overflow runs, gathered 64 to a call (4.4 MB). */
    private static void putBlocks(Env env, Dbi t, int count, int salt) {
        byte[] block = new byte[64 << 10];
        try (Txn w = env.txnWrite()) {
            for (int i = 0; i < count; i++) {
                java.util.Arrays.fill(block, (byte) (i + salt));
                t.reserve(w, ByteBuffer.allocateDirect(4).putInt(i).flip(), block.length).put(block);
            }
            w.commit();
        }
    }

    /** Every value as putBlocks(count, salt) wrote it, read through the map. */
    private static void assertBlocks(Env env, Dbi t, int count, int salt) {
        byte[] block = new byte[64 << 10];
        byte[] got = new byte[block.length];
        try (Txn r = env.txnRead()) {
            for (int i = 0; i < count; i++) {
                ByteBuffer v = t.get(r, ByteBuffer.allocateDirect(4).putInt(i).flip());
                assertThat(v.remaining()).isEqualTo(block.length);
                v.get(got);
                java.util.Arrays.fill(block, (byte) (i + salt));
                assertThat(got).as("value %d", i).isEqualTo(block);
            }
        }
    }

    /** Whether the file system under dir takes O_DIRECT writes at all. */
    private boolean directPossible() throws Exception {
        Path probe = dir.resolve("probe");
        try (java.nio.channels.FileChannel c = java.nio.channels.FileChannel.open(probe,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT)) {
            return true;
        } catch (java.io.IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Test
    void aCommitOfLargeValuesWritesItsPagesInPiecesOfAtMostHalfAMebibyte() {
        Native.directWrites(false);
        try {
            Writes before = Writes.now();
            assertThat(before.hooked()).as("liblmdb.so's writev goes through hammer's").isTrue();
            try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
                Dbi t = env.openDbi("t", true);
                putBlocks(env, t, 128, 0); // 8 MiB
                Writes after = Writes.now();
                assertThat(after.calls()).isGreaterThan(before.calls());
                assertThat(after.split()).as("a call of 64 runs was split").isGreaterThan(before.split());
                assertThat(after.piece()).isEqualTo(512 << 10);
                assertThat(after.pieces() - before.pieces()).isGreaterThanOrEqualTo((8 << 20) / after.piece());
                assertThat(after.largest()).isLessThanOrEqualTo(after.piece());
                assertThat(after.directWrites()).as("none past the page cache when switched off")
                        .isEqualTo(before.directWrites());
            }
            // and every byte arrived where LMDB put it: read back through a new environment
            try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
                assertBlocks(env, env.openDbi("t", false), 128, 0);
            }
        } finally {
            Native.directWrites(true);
        }
    }

    @Test
    void whatAProcessPrefersDecidesHowLargeValuesAreWrittenUnlessTheEnvironmentSays() {
        assertThat(Native.directFor(null, true)).isTrue();
        assertThat(Native.directFor(null, false)).isFalse();
        assertThat(Native.directFor("", false)).as("set but empty: unset").isFalse();
        assertThat(Native.directFor("0", true)).as("the operator's 0 wins").isFalse();
        assertThat(Native.directFor("1", false)).as("the operator's 1 wins").isTrue();
    }

    @Test
    void aProcessThatPrefersThePageCacheWritesNoLargeValueDirect() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("HAMMER_LMDB_DIRECT") == null,
                "HAMMER_LMDB_DIRECT is set: the operator's choice wins over the process's");
        try {
            assertThat(Env.preferDirectWrites(false)).isFalse();
            Writes before = Writes.now();
            assertThat(before.directOn()).isFalse();
            try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
                putBlocks(env, env.openDbi("t", true), 128, 3); // 8 MiB of large values
                assertThat(Writes.now().directWrites()).as("none past the page cache")
                        .isEqualTo(before.directWrites());
            }
            try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
                assertBlocks(env, env.openDbi("t", false), 128, 3);
            }
        } finally {
            assertThat(Env.preferDirectWrites(true)).isTrue();
        }
        assertThat(Writes.now().directOn()).as("the default back for the other tests").isTrue();
    }

    /** A key of 480 bytes: eight to a leaf, so that LMDB puts a leaf between every few values. */
    private static ByteBuffer wideKey(int i) {
        ByteBuffer k = ByteBuffer.allocateDirect(480);
        k.putInt(i);
        while (k.hasRemaining()) {
            k.put((byte) i);
        }
        return k.flip();
    }

    @Test
    void theLeavesBetweenLargeValuesGoWithThemAndAreCachedAgain() throws Exception {
        Writes before = Writes.now();
        boolean possible = directPossible();
        byte[] block = new byte[64 << 10];
        try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            for (int round = 0; round < 2; round++) { // the second updates every value in place
                try (Txn w = env.txnWrite()) {
                    for (int i = 0; i < 96; i++) {
                        java.util.Arrays.fill(block, (byte) (i * 3 + round));
                        t.reserve(w, wideKey(i), block.length).put(block);
                    }
                    w.commit();
                }
            }
            Writes after = Writes.now();
            if (possible) {
                assertThat(after.recached()).as("leaves written with a stretch, then through the page cache")
                        .isGreaterThan(before.recached());
            }
        }
        try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", false);
            byte[] got = new byte[block.length];
            try (Txn r = env.txnRead(); Cursor c = t.openCursor(r)) {
                int count = 0;
                for (boolean more = c.first(); more; more = c.next()) {
                    int i = c.key().getInt(0);
                    assertThat(c.key().remaining()).isEqualTo(480);
                    c.val().get(got);
                    java.util.Arrays.fill(block, (byte) (i * 3 + 1));
                    assertThat(got).as("value %d", i).isEqualTo(block);
                    count++;
                }
                assertThat(count).isEqualTo(96);
            }
        }
    }

    @Test
    void largeValuesGoPastThePageCacheAndReadBackAsWrittenEvenOnReusedPages() throws Exception {
        Writes before = Writes.now();
        assertThat(before.directOn()).as("writev and pwrite redirected, direct writes on").isTrue();
        assertThat(before.directMin()).isEqualTo(1 << 20);
        boolean possible = directPossible();
        try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            putBlocks(env, t, 128, 0);
            Writes after = Writes.now();
            if (possible) {
                assertThat(after.directBytes() - before.directBytes()).as("8 MiB of blocks written direct")
                        .isGreaterThanOrEqualTo(128L * (64 << 10));
                assertThat(after.directRefused()).isEqualTo(before.directRefused());
            } else {
                assertThat(after.directRefused()).as("refused, and written through the page cache instead")
                        .isGreaterThan(before.directRefused());
            }
            // the map sees what went past the page cache; read it so that those pages are cached
            assertBlocks(env, t, 128, 0);
            // free every block, then write new ones: LMDB puts them on the pages just freed, whose
            // old contents the page cache holds, so a stale page would show the old bytes here
            long pagesBefore = env.info().lastPageNumber();
            try (Txn w = env.txnWrite()) {
                for (int i = 0; i < 128; i++) {
                    assertThat(t.delete(w, ByteBuffer.allocateDirect(4).putInt(i).flip())).isTrue();
                }
                w.commit();
            }
            commit(env, t, "tick", "tock"); // a commit of its own, after which the freed pages are free
            putBlocks(env, t, 128, 7);
            assertThat(env.info().lastPageNumber()).as("the new blocks reused freed pages")
                    .isLessThan(pagesBefore + 128 * 17);
            assertBlocks(env, t, 128, 7);
        }
        try (Env env = Env.open(dir, 1 << 28, 4, 16, Env.NOTLS, null)) {
            assertBlocks(env, env.openDbi("t", false), 128, 7);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }

    /** A disk that fills up in the middle of a direct write: the commit fails, nothing committed is lost. */
    @Test
    void aDiskThatFillsUpUnderADirectWriteFailsTheCommitWithEnospcAndLosesNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounts a small tmpfs: root only");
        Path disk = Files.createDirectories(dir.resolve("disk"));
        run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", disk.toString());
        try {
            Writes before = Writes.now();
            try (Env env = Env.open(disk, 1 << 26, 4, 16, Env.NOTLS, null)) {
                Dbi t = env.openDbi("t", true);
                commit(env, t, "kept", "yes");
                assertThatThrownBy(() -> putBlocks(env, t, 128, 0)) // 8 MiB onto 6
                        .isInstanceOf(LmdbException.class)
                        .satisfies(e -> assertThat(((LmdbException) e).code()).as("ENOSPC").isEqualTo(28));
                Writes after = Writes.now();
                assertThat(after.directWrites() + after.directRefused())
                        .as("the blocks went to a direct write (or were refused one)")
                        .isGreaterThan(before.directWrites() + before.directRefused());
                try (Txn r = env.txnRead()) {
                    assertThat(text(t.get(r, direct("kept")))).isEqualTo("yes");
                    assertThat(t.get(r, ByteBuffer.allocateDirect(4).putInt(0).flip())).isNull();
                }
            }
            run("mount", "-o", "remount,size=64m", disk.toString()); // room again
            try (Env env = Env.open(disk, 1 << 26, 4, 16, Env.NOTLS, null)) {
                Dbi t = env.openDbi("t", false);
                try (Txn r = env.txnRead()) {
                    assertThat(text(t.get(r, direct("kept")))).isEqualTo("yes");
                }
                putBlocks(env, t, 128, 5);
                assertBlocks(env, t, 128, 5);
            }
        } finally {
            run("umount", disk.toString());
        }
    }

    @Test
    void aKeptReadTransactionReadsTheNewestSnapshotEachTimeWithItsCursors() {
        try (Env env = Env.open(dir, 1 << 24, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            List<Long> ids = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                try (Txn w = env.txnWrite()) {
                    t.put(w, direct("k"), direct("v" + round));
                    t.put(w, direct("k" + round), direct("new"));
                    w.commit();
                }
                try (Txn r = env.txnReadKept()) {
                    ids.add(r.id());
                    assertThat(text(t.get(r, direct("k")))).isEqualTo("v" + round);
                    List<String> keys = new ArrayList<>();
                    try (Cursor c = t.openCursor(r)) {
                        for (boolean ok = c.first(); ok; ok = c.next()) {
                            keys.add(text(c.key()));
                        }
                    }
                    // the second cursor of one use is the first one again, renewed
                    try (Cursor c = t.openCursor(r)) {
                        assertThat(c.last()).isTrue();
                        assertThat(text(c.key())).isEqualTo("k" + round);
                    }
                    assertThat(keys).hasSize(round + 2).startsWith("k").endsWith("k" + round);
                }
            }
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void aKeptReadTransactionThatEndedStaysEndedWhileItsPartsServeTheNextUse() {
        try (Env env = Env.open(dir, 1 << 24, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            commit(env, t, "a", "one");
            Txn first = env.txnReadKept();
            Cursor c1 = t.openCursor(first);
            assertThat(c1.first()).isTrue();
            c1.close();
            first.close();
            try (Txn second = env.txnReadKept(); Cursor c2 = t.openCursor(second)) {
                assertThatThrownBy(() -> t.get(first, direct("a"))).isInstanceOf(IllegalStateException.class);
                assertThatThrownBy(c1::first).isInstanceOf(IllegalStateException.class);
                assertThat(c2.first()).isTrue();
                assertThat(text(c2.val())).isEqualTo("one");
            }
            // more at once than are kept: each its own, all ended cleanly, the environment still closes
            List<Txn> many = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                many.add(env.txnReadKept());
            }
            for (Txn r : many) {
                assertThat(text(t.get(r, direct("a")))).isEqualTo("one");
                r.close();
            }
        }
        try (Env again = Env.open(dir, 1 << 24, 4, 16, Env.NOTLS, null)) {
            Dbi t = again.openDbi("t", false);
            try (Txn r = again.txnReadKept()) {
                assertThat(text(t.get(r, direct("a")))).isEqualTo("one");
            }
        }
    }

    @Test
    void aKeptReadTransactionWaitingForReuseHoldsNoSnapshotBack() {
        try (Env env = Env.open(dir, 1 << 22, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            ByteBuffer big = ByteBuffer.allocateDirect(256 << 10);
            try (Txn r = env.txnReadKept()) {
                assertThat(t.get(r, direct("x"))).isNull();
            }
            // kept and reset now: rewriting 256 KiB 200 times in a 4 MiB map only fits if the pages
            // of old snapshots are reused, which a reader holding its snapshot would prevent
            for (int i = 0; i < 200; i++) {
                try (Txn w = env.txnWrite()) {
                    t.put(w, direct("x"), big.duplicate());
                    w.commit();
                }
            }
            try (Txn r = env.txnReadKept()) {
                assertThat(t.get(r, direct("x")).remaining()).isEqualTo(256 << 10);
            }
            // the same with a reader that holds its snapshot: the map fills up
            try (Txn held = env.txnRead()) {
                assertThat(t.get(held, direct("x"))).isNotNull();
                assertThatThrownBy(() -> {
                    for (int i = 0; i < 200; i++) {
                        try (Txn w = env.txnWrite()) {
                            t.put(w, direct("x"), big.duplicate());
                            w.commit();
                        }
                    }
                }).isInstanceOf(LmdbException.class)
                        .satisfies(e -> assertThat(((LmdbException) e).code()).isEqualTo(LmdbException.MAP_FULL));
            }
        }
    }

    @Test
    void aTableThatIsMissingIsNotFoundUnlessCreated() {
        try (Env env = Env.open(dir, 1 << 20, 4, 16, Env.NOTLS, null)) {
            assertThatThrownBy(() -> env.openDbi("none", false)).isInstanceOf(LmdbException.class)
                    .satisfies(e -> assertThat(((LmdbException) e).code()).isEqualTo(LmdbException.NOTFOUND));
        }
    }

    @Test
    void endedTransactionsAndClosedCursorsAreRefusedNotUsed() {
        try (Env env = Env.open(dir, 1 << 20, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            Txn w = env.txnWrite();
            Cursor c = t.openCursor(w);
            t.put(w, direct("k"), direct("v"));
            w.commit();
            assertThatThrownBy(() -> t.get(w, direct("k"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(c::first).isInstanceOf(IllegalStateException.class);
            c.close(); // LMDB freed it with its write transaction: nothing left to close
            w.close();
            Txn r = env.txnRead();
            Cursor rc = t.openCursor(r);
            assertThat(rc.first()).isTrue();
            rc.close();
            assertThatThrownBy(rc::next).isInstanceOf(IllegalStateException.class);
            r.close();
            r.close();
            assertThatThrownBy(() -> t.put(r, direct("a"), direct("b"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> {
                try (Txn x = env.txnWrite()) {
                    t.put(x, ByteBuffer.wrap(new byte[] {1}), direct("heap key"));
                }
            }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct");
        }
    }

    @Test
    void aFullMapIsMapFullAndTheCommittedDataStays() {
        try (Env env = Env.open(dir, 1 << 20, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            commit(env, t, "kept", "yes");
            ByteBuffer big = ByteBuffer.allocateDirect(64 * 1024);
            assertThatThrownBy(() -> {
                try (Txn w = env.txnWrite()) {
                    for (int i = 0; i < 100; i++) {
                        t.put(w, direct("k" + i), big.clear());
                    }
                    w.commit();
                }
            }).isInstanceOf(LmdbException.class)
                    .satisfies(e -> assertThat(((LmdbException) e).code()).isEqualTo(LmdbException.MAP_FULL));
            try (Txn r = env.txnRead()) {
                assertThat(text(t.get(r, direct("kept")))).isEqualTo("yes");
                assertThat(t.get(r, direct("k0"))).isNull();
            }
        }
    }

    @Test
    void posixCallsWork() throws Exception {
        Path f = Files.createFile(dir.resolve("f"));
        assertThat(Posix.fallocate(f, 0, 1 << 20)).isZero();
        assertThat(Files.size(f)).isEqualTo(1 << 20);
        assertThat(Posix.fallocate(dir.resolve("missing"), 0, 1)).isEqualTo(2); // ENOENT
        assertThat(Posix.fileDescriptor(1).valid()).isTrue();
        ByteBuffer b = ByteBuffer.allocateDirect(16);
        assertThat(Posix.address(b.slice(4, 4)) - Posix.address(b)).isEqualTo(4);
        // read from the buffer's field where java.nio is open (as here and in the mount), the same as JNI's answer
        for (ByteBuffer x : List.of(b, b.slice(3, 5), b.asReadOnlyBuffer(), ByteBuffer.allocateDirect(0))) {
            assertThat(Posix.address(x)).isEqualTo(Native.address(x)).isNotZero();
        }
        try (Env env = Env.open(dir, 1 << 20, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            commit(env, t, "k", "value");
            try (Txn r = env.txnReadKept()) {
                ByteBuffer v = t.get(r, direct("k"));
                assertThat(Posix.address(v)).isEqualTo(Native.address(v));
            }
        }
        assertThat(Posix.nativeDirectory().resolve("libhammer-native.so")).isRegularFile();
    }

    /**
     * The free list counts only pages a writer may reuse: none a reader still sees, whichever
     * snapshot it holds, and the oldest reader is the least snapshot held.
     */
    @Test
    void freePagesLeaveOutWhatAReaderStillSees() {
        try (Env env = Env.open(dir, 1 << 24, 4, 16, Env.NOTLS, null)) {
            Dbi t = env.openDbi("t", true);
            String big = "x".repeat(256 << 10);
            commit(env, t, "v", big);
            commit(env, t, "v", big + "1");
            long seen;
            long whole;
            try (Txn old = env.txnRead()) {
                assertThat(Native.oldestReader(env.live())).as("the reader of the older snapshot").isEqualTo(old.id());
                for (int i = 0; i < 3; i++) {
                    commit(env, t, "v", big + i); // each frees the 64 pages of the value before it
                }
                try (Txn now = env.txnRead()) {
                    assertThat(Native.oldestReader(env.live())).as("still the oldest").isEqualTo(old.id());
                    seen = env.freePages(now);
                }
            }
            try (Txn now = env.txnRead()) {
                assertThat(Native.oldestReader(env.live())).isEqualTo(now.id());
                whole = env.freePages(now);
            }
            assertThat(whole - seen).as("the pages the old snapshot held back, reusable once it ended")
                    .isGreaterThanOrEqualTo(2 * 64);
        }
    }
}
