package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.Pfses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Disk blocks are reserved ahead of a store that grows fast, never of one that grows slowly. */
class PreallocatorTest {
    @TempDir
    Path tmp;

    private static long[] writeFiles(Store store, int count, int size, long seed) {
        Random rnd = new Random(seed);
        long[] inos = new long[count];
        for (int i = 0; i < count; i++) {
            byte[] data = new byte[size];
            rnd.nextBytes(data);
            int n = i;
            inos[i] = store.write(w -> {
                var fs = Pfses.writer(w, 0);
                long f = fs.mknod(FsReader.ROOT, "f" + seed + "-" + n, 0644, 0, 0, 0);
                fs.write(f, 0, data, 0, data.length);
                return f;
            });
        }
        return inos;
    }

    @Test
    void largeCommitsReserveAheadAndTheStoreReadsBackAfterReopening() throws IOException {
        Path dir = tmp.resolve("big.hammer");
        Path data = dir.resolve("data.mdb");
        long[] inos;
        long used;
        try (Store store = Store.create(dir, "BIG", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(store, "BIG");
            inos = writeFiles(store, 4, 8 << 20, 1);
            used = store.usedBytes();
            assertThat(Files.size(data)).as("reserved ahead of %d used bytes", used)
                    .isGreaterThanOrEqualTo(used + (8L << 20));
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.usedBytes()).isEqualTo(used);
            Random rnd = new Random(1);
            for (long ino : inos) {
                byte[] expected = new byte[8 << 20];
                rnd.nextBytes(expected);
                byte[] back = new byte[expected.length];
                int n = store.read(r -> new FsReader(r, 0, r.lastTid()).read(ino, 0, back, 0, back.length));
                assertThat(n).isEqualTo(expected.length);
                assertThat(back).isEqualTo(expected);
            }
            writeFiles(store, 1, 1 << 20, 2);
        }
    }

    @Test
    void smallCommitsReserveOnlyTheSlack() throws IOException {
        Path dir = tmp.resolve("small.hammer");
        try (Store store = Store.create(dir, "SMALL", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(store, "SMALL");
            writeFiles(store, 200, 10_000, 3);
            long size = Files.size(dir.resolve("data.mdb"));
            assertThat(size).isGreaterThanOrEqualTo(store.usedBytes() + LmdbStore.SLACK)
                    .isLessThanOrEqualTo(store.usedBytes() + 3 * LmdbStore.SLACK);
        }
    }
}
