package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What df and du show of a mount: the store (its size limit, what it uses, what is free of it),
 * not the disk under it; and a sparse file's stored blocks, not its size.
 */
@Tag("fuse")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MountStatfsIT {
    private static final long LIMIT = 512L << 20;
    private MountHarness h;
    private Path store;
    private Path mnt;

    @BeforeAll
    void mount() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        store = h.dir("stores").resolve("small.hammer");
        try (Store s = Store.create(store, "SMALL", LIMIT)) {
            Pfses.format(s, "SMALL");
        }
        mnt = h.mount(store.toString(), h.dir("mnt"));
    }

    @AfterAll
    void unmount() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    /** stat -f's fragment size, total, free and available blocks. */
    private long[] statfs() {
        String[] f = ok(mnt, "stat -f -c '%S %b %f %a' .").trim().split(" ");
        return Arrays.stream(f).mapToLong(Long::parseLong).toArray();
    }

    @Test
    void dfShowsTheStoreItsLimitUseAndRoom() throws IOException {
        long[] before = statfs();
        long unit = before[0];
        assertThat(before[1] * unit).as("size: the store's limit").isEqualTo(LIMIT);
        long usedBefore = (before[1] - before[2]) * unit;
        assertThat(usedBefore).as("a new store uses a little").isPositive().isLessThan(LIMIT / 8);
        assertThat(before[3]).as("available: no more than free").isLessThanOrEqualTo(before[2]);
        assertThat((before[2] - before[3]) * unit).as("the room kept for names is not available to data")
                .isGreaterThanOrEqualTo(1L << 20);

        ok(mnt, "head -c 16777216 /dev/urandom > dense && sync dense");
        long[] after = statfs();
        long usedAfter = (after[1] - after[2]) * unit;
        assertThat(usedAfter - usedBefore).as("16 MiB written").isGreaterThanOrEqualTo(16L << 20);
        long file = Files.size(store.resolve("data.mdb"));
        assertThat(usedAfter).as("used: within the data file").isLessThanOrEqualTo(file);
        assertThat(after[2] * unit).isEqualTo(LIMIT - usedAfter);

        String df = ok(mnt, "df -B1 --output=size,used . | tail -1").trim();
        long[] d = Arrays.stream(df.split("\\s+")).mapToLong(Long::parseLong).toArray();
        assertThat(d[0]).isEqualTo(LIMIT);
        assertThat(d[1]).isEqualTo(usedAfter);
    }

    @Test
    void duOfASparseFileCountsItsStoredBlocks() {
        ok(mnt, "truncate -s 1G sparse && printf x | dd of=sparse bs=1 seek=1073741823 conv=notrunc status=none"
                + " && sync sparse");
        assertThat(ok(mnt, "stat -c %s sparse").trim()).isEqualTo("1073741824");
        long du = Long.parseLong(ok(mnt, "du -B1 sparse | cut -f1").trim());
        assertThat(du).as("a 1 GiB file with one byte stored: one 64 KiB block").isEqualTo(64L << 10);
        long apparent = Long.parseLong(ok(mnt, "du -B1 --apparent-size sparse | cut -f1").trim());
        assertThat(apparent).isEqualTo(1L << 30);

        ok(mnt, "head -c 3000000 /dev/zero > full && sync full");
        long full = Long.parseLong(ok(mnt, "stat -c %b full").trim()) * 512;
        assertThat(full).as("a dense file counts its size, to whole 512-byte units").isBetween(3_000_000L,
                3_000_000L + 511);

        // The count is kept between stats: a write into a hole of the same size must still show.
        ok(mnt, "truncate -s 100K small && stat -c %b small > /dev/null");
        assertThat(ok(mnt, "stat -c %b small").trim()).isEqualTo("0");
        ok(mnt, "printf y | dd of=small bs=1 seek=70000 conv=notrunc status=none");
        assertThat(Long.parseLong(ok(mnt, "stat -c %b small").trim()) * 512)
                .as("one 16 KiB block of a 100 KiB file (small files have small blocks)").isEqualTo(16L << 10);
        ok(mnt, "sync small; echo 2 > /proc/sys/vm/drop_caches");
        assertThat(Long.parseLong(ok(mnt, "stat -c %b small").trim()) * 512).isEqualTo(16L << 10);
    }

    /**
     * A file written in sequence keeps its count through its writes (no walk at its next stat),
     * and a large write past its end, which leaves a hole, is counted again.
     */
    @Test
    void aLargeWritePastTheEndOfAFileWrittenInSequenceShowsItsHole() {
        ok(mnt, "dd if=/dev/zero of=seq bs=1M count=8 conv=fsync status=none");
        assertThat(Long.parseLong(ok(mnt, "stat -c %b seq").trim()) * 512).isEqualTo(8L << 20);
        ok(mnt, "dd if=/dev/zero of=seq bs=1M count=2 seek=20 conv=notrunc,fsync status=none");
        assertThat(ok(mnt, "stat -c %s seq").trim()).isEqualTo(String.valueOf(22L << 20));
        assertThat(Long.parseLong(ok(mnt, "stat -c %b seq").trim()) * 512).as("10 MiB stored of 22")
                .isEqualTo(10L << 20);
        ok(mnt, "dd if=/dev/zero of=seq bs=1M count=1 seek=22 conv=notrunc,fsync status=none");
        assertThat(Long.parseLong(ok(mnt, "stat -c %b seq").trim()) * 512).isEqualTo(11L << 20);
    }
}
