package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.hammer.core.store.StoreFiles.check;
import static org.hammer.core.store.StoreFiles.random;
import static org.hammer.core.store.StoreFiles.read;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.pfs.Pfses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A format 2 store upgraded in place to format 3: every version of every file reads as before,
 * its large data moved into the blocks table; interrupted, the store is whole and the upgrade
 * goes on; refused while the store is open elsewhere or damaged, and never lowered.
 */
class FormatUpgradeTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    /** A format 2 store with files of history: as of {@code tids[0]}, big and gone existed; now big is rewritten and gone removed. */
    private static final class Old {
        final Path dir;
        final long[] tids = new long[2];
        long big;
        long gone;
        long small;
        final byte[] bigBefore = random(3 * MIB + 123, 1);
        final byte[] bigAfter = random(2 * MIB + 7, 2);
        final byte[] goneData = random(5 * MIB, 3);
        final byte[] smallData = random(900, 4);

        Old(Path dir) {
            this.dir = dir;
            LmdbStore.create(dir, "OLD", 1L << 30, 2).close();
            try (Store s = Store.open(dir)) {
                Pfses.format(s, "OLD");
                s.write(w -> {
                    var fs = Pfses.writer(w, 0);
                    big = fs.mknod(FsReader.ROOT, "big", 0644, 0, 0, 0);
                    fs.write(big, 0, bigBefore, 0, bigBefore.length);
                    gone = fs.mknod(FsReader.ROOT, "gone", 0644, 0, 0, 0);
                    fs.write(gone, 0, goneData, 0, goneData.length);
                    small = fs.mknod(FsReader.ROOT, "small", 0644, 0, 0, 0);
                    return fs.write(small, 0, smallData, 0, smallData.length);
                });
                tids[0] = s.lastTid();
                s.write(w -> {
                    var fs = Pfses.writer(w, 0);
                    fs.truncate(big, 0);
                    fs.write(big, 0, bigAfter, 0, bigAfter.length);
                    fs.unlink(FsReader.ROOT, "gone");
                    return null;
                });
                tids[1] = s.lastTid();
            }
        }

        /** Every version this store holds, read back. */
        void readsAsBefore(Store s) {
            assertThat(read(s, big, tids[0], bigBefore.length)).isEqualTo(bigBefore);
            assertThat(read(s, gone, tids[0], goneData.length)).isEqualTo(goneData);
            assertThat(read(s, big, tids[1], bigAfter.length)).isEqualTo(bigAfter);
            assertThat(read(s, small, Long.MAX_VALUE, smallData.length)).isEqualTo(smallData);
        }

        /** Data records of the three files: {with data in the blocks table, with more than 1 KiB in their value}. */
        long[] layout(Store s) {
            long[] n = new long[2];
            for (long f : new long[] {big, gone, small}) {
                s.read(r -> {
                    r.scan(new RecordKey(0, f, RecordType.DATA, 0, 0), new RecordKey(0, f, RecordType.DATA, -1L, -1L),
                            false, rec -> {
                                Record.Header h = r.head(rec.key());
                                if (h.external()) {
                                    n[0]++;
                                } else if (h.dataLength() > LmdbTxn.INLINE_MAX) {
                                    n[1]++;
                                }
                                return true;
                            });
                    return null;
                });
            }
            return n;
        }
    }

    @Test
    void aFormat2StoreIsUpgradedInPlaceAndReadsAsBefore() {
        Old old = new Old(tmp.resolve("s"));
        Map<String, String> tree;
        long lastTid;
        long[] before;
        try (Store s = Store.open(old.dir)) {
            tree = s.read(r -> TreeDigest.of(Pfses.reader(r, 0)));
            lastTid = s.lastTid();
            before = old.layout(s);
        }
        assertThat(before[0]).as("no data in a blocks table yet").isZero();
        assertThat(before[1]).as("large data in the records' values").isGreaterThan(100);

        List<Long> progress = new ArrayList<>();
        FormatUpgrade u = Store.upgradeFormat(old.dir, 3, progress::add);

        assertThat(u.from()).isEqualTo(2);
        assertThat(u.to()).isEqualTo(3);
        assertThat(u.records()).isEqualTo(before[1]);
        assertThat(u.bytes()).isGreaterThanOrEqualTo(old.bigBefore.length + old.bigAfter.length + old.goneData.length - 3L * 1024);
        assertThat(progress).last().isEqualTo(u.bytes());
        assertThat(StoreHeader.read(old.dir).formatVersion()).isEqualTo(3);
        assertThat(StoreRegistry.openEnvironments()).isZero();
        try (Store s = Store.open(old.dir)) {
            assertThat(s.header().formatVersion()).isEqualTo(3);
            assertThat(old.layout(s)).containsExactly(before[1], 0);
            old.readsAsBefore(s);
            Map<String, String> after = s.read(r -> TreeDigest.of(Pfses.reader(r, 0)));
            assertThat(after).isEqualTo(tree);
            assertThat(s.lastTid()).as("no TID taken: the records are the same").isEqualTo(lastTid);
            assertThat(check(s)).isEmpty();
        }
        FormatUpgrade again = Store.upgradeFormat(old.dir, 3, b -> { });
        assertThat(again).isEqualTo(new FormatUpgrade(3, 3, 0, 0));
    }

    /** Stopped after its first commit (a kill): the store reads whole as format 3, and the next run moves the rest. */
    @Test
    void anInterruptedUpgradeLeavesAWholeStoreAndGoesOn() {
        Old old = new Old(tmp.resolve("s"));
        long[] before;
        try (Store s = Store.open(old.dir)) {
            before = old.layout(s);
        }
        RuntimeException stop = new RuntimeException("stopped");
        RuntimeException e = catchThrowableOfType(RuntimeException.class, () -> LmdbStore.upgradeFormat(old.dir, 3, b -> {
            throw stop;
        }, MIB));
        assertThat(e).isSameAs(stop);
        assertThat(StoreHeader.read(old.dir).formatVersion()).isEqualTo(3);
        long movedFirst;
        try (Store s = Store.open(old.dir)) {
            long[] half = old.layout(s);
            movedFirst = half[0];
            assertThat(half[0]).as("moved by the first commit").isPositive();
            assertThat(half[1]).as("left in their values").isPositive();
            assertThat(half[0] + half[1]).isEqualTo(before[1]);
            old.readsAsBefore(s);
            assertThat(check(s)).isEmpty();
            // a write between the runs lays its data down the new way
            s.write(w -> {
                var fs = Pfses.writer(w, 0);
                long f = fs.mknod(FsReader.ROOT, "later", 0644, 0, 0, 0);
                return fs.write(f, 0, old.bigAfter, 0, 64 << 10);
            });
        }
        FormatUpgrade rest = Store.upgradeFormat(old.dir, 3, b -> { });
        assertThat(rest.from()).isEqualTo(3);
        assertThat(rest.records()).isEqualTo(before[1] - movedFirst);
        try (Store s = Store.open(old.dir)) {
            assertThat(old.layout(s)).containsExactly(before[1], 0);
            old.readsAsBefore(s);
            assertThat(check(s)).isEmpty();
        }
    }

    /**
     * A format 2 store of one file written in one commit, so with no free pages to take, its size
     * limit then set {@code room} bytes past the pages it uses; returns the file.
     */
    private static long oneFile(Path dir, byte[] data, long room) {
        LmdbStore.create(dir, "FULL", 1L << 30, 2).close();
        long f;
        long used;
        try (Store s = Store.open(dir)) {
            Pfses.format(s, "FULL");
            f = StoreFiles.write(s, "f", data);
            used = s.usedBytes();
        }
        Store.changeMaxSize(dir, used + room);
        return f;
    }

    /** The records of file {@code ino} whose data lies in the blocks table. */
    private static long external(Store s, long ino) {
        long[] n = {0};
        s.read(r -> {
            r.scan(new RecordKey(0, ino, RecordType.DATA, 0, 0), new RecordKey(0, ino, RecordType.DATA, -1L, -1L),
                    false, rec -> {
                        n[0] += r.head(rec.key()).external() ? 1 : 0;
                        return true;
                    });
            return null;
        });
        return n[0];
    }

    /**
     * A store near its size limit, where format 2 cannot remove a large file and format 3 is most
     * wanted, is upgraded in commits as small as its room: one of 16 MiB would not fit.
     */
    @Test
    void aStoreNearItsLimitIsUpgradedInStepsThatFit() {
        Path dir = tmp.resolve("s");
        byte[] data = random(12 * MIB, 5);
        long f = oneFile(dir, data, 3 * MIB);
        List<Long> progress = new ArrayList<>();
        FormatUpgrade u = Store.upgradeFormat(dir, 3, progress::add);

        assertThat(u.bytes()).isEqualTo(data.length);
        assertThat(progress).as("commits").hasSizeGreaterThan(4);
        for (int i = 1; i < progress.size(); i++) {
            assertThat(progress.get(i) - progress.get(i - 1)).as("commit %d", i).isLessThanOrEqualTo(3L * MIB);
        }
        try (Store s = Store.open(dir)) {
            assertThat(external(s, f)).isEqualTo(u.records());
            assertThat(read(s, f, Long.MAX_VALUE, data.length)).isEqualTo(data);
            assertThat(check(s)).isEmpty();
        }
    }

    /** With no room for one block it stops, says so, and leaves a whole store that the next run, given room, finishes. */
    @Test
    void anUpgradeWithNoRoomStopsWholeAndGoesOnOnceGivenRoom() {
        Path dir = tmp.resolve("s");
        byte[] data = random(4 * MIB, 6);
        long f = oneFile(dir, data, 32 * 1024);
        HammerException e = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(dir, 3, b -> { }));
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(HammerException.Kind.FAILURE);
        assertThat(e.getMessage()).contains(dir.toString(), "no room to move the next block", "max-size",
                "stopped whole", "goes on when run again");
        assertThat(StoreRegistry.openEnvironments()).isZero();
        long moved;
        try (Store s = Store.open(dir)) {
            moved = external(s, f);
            assertThat(e.getMessage()).contains("the data of " + moved + " record");
            assertThat(moved).as("blocks moved in the 32 KiB of room").isLessThan(3);
            assertThat(read(s, f, Long.MAX_VALUE, data.length)).isEqualTo(data);
            assertThat(check(s)).isEmpty();
        }
        Store.changeMaxSize(dir, 1L << 30);
        FormatUpgrade rest = Store.upgradeFormat(dir, 3, b -> { });
        try (Store s = Store.open(dir)) {
            assertThat(external(s, f)).isEqualTo(moved + rest.records()).isGreaterThan(60);
            assertThat(read(s, f, Long.MAX_VALUE, data.length)).isEqualTo(data);
            assertThat(check(s)).isEmpty();
        }
    }

    @Test
    void refusedWhileAnotherProcessHasTheStoreOpen() throws Exception {
        Old old = new Old(tmp.resolve("s"));
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'r+')\n"
                + "fcntl.lockf(f, fcntl.LOCK_SH, 1, 0)\n" // what LMDB holds while a process has the store open
                + "print('held', flush=True)\n"
                + "sys.stdin.read()\n", old.dir.resolve(LmdbStore.LOCK_FILE).toString())
                .redirectErrorStream(true).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(5))).isEqualTo("held\n");
            HammerException e = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(old.dir, 3, b -> { }));
            assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED);
            assertThat(e.getMessage()).contains("open in another process");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(StoreHeader.read(old.dir).formatVersion()).isEqualTo(2);
        try (Store s = Store.open(old.dir)) {
            HammerException e = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(old.dir, 3, b -> { }));
            assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED);
            assertThat(e.getMessage()).contains("open in this process");
            assertThat(old.layout(s)[0]).isZero();
        }
        // and once nothing has it open
        assertThat(Store.upgradeFormat(old.dir, 3, b -> { }).records()).isPositive();
    }

    /** While it runs, no other process can take the lock LMDB takes to open the store; after it, one can. */
    @Test
    void noOtherProcessOpensTheStoreWhileItIsUpgraded() throws Exception {
        Old old = new Old(tmp.resolve("s"));
        Path lock = old.dir.resolve(LmdbStore.LOCK_FILE);
        List<String> during = new ArrayList<>();
        LmdbStore.upgradeFormat(old.dir, 3, b -> during.add(tryShared(lock)), MIB);
        assertThat(during).hasSizeGreaterThan(1).containsOnly("busy");
        assertThat(tryShared(lock)).isEqualTo("got");
    }

    /** Whether another process gets the shared lock on the lock file's first byte that LMDB takes to open, without waiting. */
    private static String tryShared(Path lock) {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import fcntl, sys\n"
                    + "f = open(sys.argv[1], 'r+')\n"
                    + "try:\n"
                    + "    fcntl.lockf(f, fcntl.LOCK_SH | fcntl.LOCK_NB, 1, 0)\n"
                    + "    print('got')\n"
                    + "except OSError:\n"
                    + "    print('busy')\n", lock.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            return out;
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A byte of a file's data rotted: found by the check the upgrade begins with, and nothing is written. */
    @Test
    void aDamagedStoreIsNotUpgraded() throws IOException {
        Old old = new Old(tmp.resolve("s"));
        Path file = old.dir.resolve(MetaPages.DATA_FILE);
        byte[] bytes = Files.readAllBytes(file);
        // every copy: a format 2 store wrote the removed file's data again to mark it deleted
        byte[] piece = Arrays.copyOfRange(old.goneData, 100_000, 100_032);
        int copies = 0;
        for (int at = indexOf(bytes, piece, 0); at >= 0; at = indexOf(bytes, piece, at + 1)) {
            bytes[at] ^= 0x10;
            copies++;
        }
        assertThat(copies).as("the removed file's data in the data file").isPositive();
        Files.write(file, bytes);
        Path header = old.dir.resolve(StoreHeader.FILE_NAME);
        byte[] headerBytes = Files.readAllBytes(header);

        HammerException e = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(old.dir, 3, b -> { }));

        assertThat(e.kind()).isEqualTo(HammerException.Kind.CORRUPT);
        assertThat(e.getMessage()).contains("store damaged (1 problem; hammer scrub").endsWith("not upgraded");
        assertThat(Files.readAllBytes(file)).as("the data file").isEqualTo(bytes);
        assertThat(Files.readAllBytes(header)).as("the header").isEqualTo(headerBytes);
    }

    @Test
    void aFormatIsNeverLoweredNorRaisedPastThisHammers() {
        Path dir = tmp.resolve("new");
        Store.create(dir, "NEW", 1L << 30).close();
        HammerException lower = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(dir, 2, b -> { }));
        assertThat(lower.kind()).isEqualTo(HammerException.Kind.REFUSED);
        assertThat(lower.getMessage()).contains("is format 4; a format is never lowered");
        HammerException newer = catchThrowableOfType(HammerException.class, () -> Store.upgradeFormat(dir, 5, b -> { }));
        assertThat(newer.kind()).isEqualTo(HammerException.Kind.REFUSED);
        assertThat(newer.getMessage()).contains("format 5 is newer than this hammer makes (4)");
        Old old = new Old(tmp.resolve("old"));
        assertThat(Store.upgradeFormat(old.dir, 2, b -> { })).as("already format 2").isEqualTo(new FormatUpgrade(2, 2, 0, 0));
        assertThat(StoreHeader.read(old.dir).formatVersion()).isEqualTo(2);
    }

    /**
     * Format 2 to 4 in one run: the data moves as to format 3, then the header says 4; files made
     * before keep inodes without a count, and files made after count their blocks. From 3 to 4
     * nothing moves and no TID is taken.
     */
    @Test
    void aFormat2StoreGoesToFormat4InOneRunAndAFormat3StoreWithoutMovingAnything() {
        Old old = new Old(tmp.resolve("old"));
        FormatUpgrade u = Store.upgradeFormat(old.dir, 4, b -> { });
        assertThat(u.from()).isEqualTo(2);
        assertThat(u.to()).isEqualTo(4);
        assertThat(u.records()).isPositive();
        assertThat(StoreHeader.read(old.dir).formatVersion()).isEqualTo(4);
        try (Store s = Store.open(old.dir)) {
            old.readsAsBefore(s);
            assertThat(check(s)).isEmpty();
            boolean[] counted = s.write(w -> {
                var fs = Pfses.writer(w, 0);
                long made = fs.mknod(FsReader.ROOT, "made", 0644, 0, 0, 0);
                return new boolean[] {fs.getattr(old.big).counted(), fs.getattr(made).counted()};
            });
            assertThat(counted).containsExactly(false, true);
        }
        Path three = tmp.resolve("three");
        Store.create(three, "T", 1L << 30, 3).close();
        long lastTid;
        try (Store s = Store.open(three)) {
            Pfses.format(s, "T");
            lastTid = s.lastTid();
        }
        FormatUpgrade up = Store.upgradeFormat(three, 4, b -> { });
        assertThat(up.records()).isZero();
        assertThat(StoreHeader.read(three).formatVersion()).isEqualTo(4);
        try (Store s = Store.open(three)) {
            assertThat(s.lastTid()).isEqualTo(lastTid);
        }
    }

    private static int indexOf(byte[] hay, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
