package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store created with a small size limit fills up cleanly: a clear failure, and nothing lost. */
class StoreFullTest {
    @TempDir
    Path tmp;

    @Test
    void writingPastTheSizeLimitFailsClearlyAndKeepsEveryCommit() {
        Path dir = tmp.resolve("small.hammer");
        List<byte[]> written = new ArrayList<>();
        HammerException full;
        try (Store store = Store.create(dir, "SMALL", 2L << 20)) {
            Pfses.format(store, "SMALL");
            Random rnd = new Random(5);
            full = catchThrowableOfType(HammerException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    byte[] data = new byte[100_000];
                    rnd.nextBytes(data);
                    int n = i;
                    store.write(w -> {
                        var fs = Pfses.writer(w, 0);
                        long f = fs.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0);
                        return fs.write(f, 0, data, 0, data.length);
                    });
                    written.add(data);
                }
            });
        }

        assertThat(full).isNotNull();
        assertThat(full.kind()).isEqualTo(HammerException.Kind.FAILURE);
        assertThat(full.getMessage()).contains("store is full");
        assertThat(written).hasSizeBetween(5, 20);
        try (Store store = Store.open(dir)) {
            store.read(r -> {
                FsReader fs = new FsReader(r, 0, Tid.MAX);
                for (int i = 0; i < written.size(); i++) {
                    long f = fs.lookup(FsReader.ROOT, "f" + i);
                    byte[] back = new byte[100_000];
                    assertThat(fs.read(f, 0, back, 0, back.length)).isEqualTo(back.length);
                    assertThat(Arrays.equals(back, written.get(i))).as("file f%d", i).isTrue();
                }
                assertThat(fs.find(FsReader.ROOT, "f" + written.size())).as("the failed commit left nothing").isZero();
                return null;
            });
        }
    }

    /**
     * The way out of a full store: its limit raised, where no process has it open, and never below
     * its pages; the change that did not fit then does. Refusals change nothing.
     */
    @Test
    void aFullStoreTakesChangesAgainOnceItsLimitIsRaised() throws Exception {
        Path dir = tmp.resolve("grow.hammer");
        byte[] data = new byte[300_000];
        new Random(7).nextBytes(data);
        int fitted = 0;
        try (Store store = Store.create(dir, "GROW", 2L << 20)) {
            Pfses.format(store, "GROW");
            HammerException full = null;
            while (full == null && fitted < 100) {
                int n = fitted;
                full = catchThrowableOfType(HammerException.class, () -> store.write(w -> {
                    var fs = Pfses.writer(w, 0);
                    return fs.write(fs.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0), 0, data, 0, data.length);
                }));
                fitted += full == null ? 1 : 0;
            }
            assertThat(full).as("the store filled").isNotNull();
            assertThat(full.getMessage()).contains("store is full", "hammer max-size raises it");
            assertRefused(dir, 64L << 20, "open in this process");
        }
        Path header = dir.resolve(StoreHeader.FILE_NAME);
        byte[] headerBefore = Files.readAllBytes(header);
        assertRefused(dir, 1L << 20, "pages already reach");
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, sys\n"
                + "f = open(sys.argv[1], 'r+')\n"
                + "fcntl.lockf(f, fcntl.LOCK_SH, 1, 0)\n" // what LMDB holds while a process has the store open
                + "print('held', flush=True)\n"
                + "sys.stdin.read()\n", dir.resolve(LmdbStore.LOCK_FILE).toString()).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine())
                    .isEqualTo("held");
            assertRefused(dir, 64L << 20, "open in another process");
        } finally {
            holder.getOutputStream().close();
            assertThat(holder.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(Files.readAllBytes(header)).as("refusals change nothing").isEqualTo(headerBefore);

        assertThat(Store.changeMaxSize(dir, 64L << 20).maxSize()).as("the limit it had").isEqualTo(2L << 20);
        try (Store store = Store.open(dir)) {
            assertThat(store.header().maxSize()).isEqualTo(64L << 20);
            assertThat(store.room()).isGreaterThan(32L << 20);
            int n = fitted;
            store.write(w -> {
                var fs = Pfses.writer(w, 0);
                return fs.write(fs.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0), 0, data, 0, data.length);
            });
            store.read(r -> {
                FsReader fs = new FsReader(r, 0, Tid.MAX);
                for (int i = 0; i <= n; i++) {
                    byte[] back = new byte[data.length];
                    assertThat(fs.read(fs.lookup(FsReader.ROOT, "f" + i), 0, back, 0, back.length)).isEqualTo(back.length);
                    assertThat(back).as("f%d", i).isEqualTo(data);
                }
                return null;
            });
        }

        Files.writeString(header, Files.readString(header).replace("GROW", "GROX"));
        byte[] damaged = Files.readAllBytes(header);
        HammerException e = catchThrowableOfType(HammerException.class, () -> Store.changeMaxSize(dir, 128L << 20));
        assertThat(e.kind()).isEqualTo(HammerException.Kind.CORRUPT);
        assertThat(Files.readAllBytes(header)).as("a damaged header is left as it is").isEqualTo(damaged);
    }

    private static void assertRefused(Path dir, long size, String why) {
        HammerException e = catchThrowableOfType(HammerException.class, () -> Store.changeMaxSize(dir, size));
        assertThat(e).as(why).isNotNull();
        assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED);
        assertThat(e.getMessage()).contains(why);
    }

    /**
     * The room a store reports: what its size limit leaves past the pages in use, no more than its
     * disk has free, and, once that is short, the pages earlier commits freed too.
     */
    @Test
    void roomIsWhatTheLimitAndTheDiskLeavePlusTheFreeListWhenShort() throws Exception {
        long limit = 8L << 20;
        try (Store store = Store.create(tmp.resolve("room.hammer"), "ROOM", limit)) {
            Pfses.format(store, "ROOM");
            long f = store.write(w -> Pfses.writer(w, 0).mknod(FsReader.ROOT, "f", 0644, 0, 0, 0));
            byte[] mib = new byte[1 << 20];
            new Random(3).nextBytes(mib);
            long before = store.room();
            assertThat(before).isBetween(limit - store.usedBytes(), limit);
            store.write(w -> Pfses.writer(w, 0).write(f, 0, mib, 0, mib.length));
            assertThat(store.room()).as("a MiB of data takes a MiB of room").isLessThan(before - mib.length);
            for (int i = 0; i < 2; i++) {
                // Each overwrite keeps the version it replaces as history; pruning that history
                // frees its pages.
                mib[0]++;
                store.write(w -> Pfses.writer(w, 0).write(f, 0, mib, 0, mib.length));
            }
            new org.hammer.core.prune.Pruner(store, 0).pruneEverything();
            // the pages the newest commit freed are taken only once a commit is newer
            store.write(w -> Pfses.writer(w, 0).mknod(FsReader.ROOT, "g", 0644, 0, 0, 0));
            assertThat(store.room() - (limit - store.usedBytes())).as("the free list, counted")
                    .isGreaterThanOrEqualTo(1L << 20);
            assertThat(store.freeBytes()).as("what the store holds leaves the free list out")
                    .isGreaterThanOrEqualTo(1L << 20).isLessThan(store.usedBytes());
        }
        try (Store big = Store.create(tmp.resolve("big.hammer"), "BIG", Store.DEFAULT_MAX_SIZE)) {
            Path data = tmp.resolve("big.hammer").resolve(MetaPages.DATA_FILE);
            long disk = Files.getFileStore(tmp).getUsableSpace() + Files.size(data);
            assertThat(big.room()).as("a limit past the disk's free space: the disk's").isPositive()
                    .isLessThanOrEqualTo(disk).isLessThan(Store.DEFAULT_MAX_SIZE - big.usedBytes());
        }
    }
}
