package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.hammer.cli.fuse.MountHarness.sh;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hammer.fixtures.CliResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store that fills its size limit under a mount, and the ways out: a file can be removed (its
 * blocks' records are marked, their data is not copied), but it stays as history, so the store
 * stays full; {@code hammer max-size} raises the limit once nothing has the store open, and a
 * prune gives the room of removed files back, which df shows.
 */
@Tag("fuse")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StoreLimitIT {
    private MountHarness h;

    @AfterEach
    void close() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    /** df's size and used bytes of the mount at {@code mnt}. */
    private static long[] df(Path mnt) {
        String[] f = ok(mnt, "df -B1 --output=size,used . | tail -1").trim().split("\\s+");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    }

    @Test
    void aFullStoreIsLetOutByARaisedLimitAndItsRoomComesBackAfterAPrune() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        Path store = h.dir("stores").resolve("small");
        assertThat(h.hammer.run("newfs", "--max-size", "24m", store.toString()).exitCode()).isZero();
        Path mnt = h.mount(store.toString(), h.dir("mnt"));
        Path sums = h.dir("sums").resolve("sha256");

        String filled = ok(mnt, "for i in $(seq 1 20); do head -c 2000000 /dev/urandom > f$i 2>/dev/null"
                + " && sync f$i 2>/dev/null || { echo $i; break; }; done");
        assertThat(filled.trim()).as("the file that did not fit").matches("[5-9]|1[0-9]");
        int last = Integer.parseInt(filled.trim()) - 1;
        ok(mnt, "rm -f f" + (last + 1) + "; sha256sum $(seq -f 'f%g' 1 " + last + ") > " + sums);
        // A removal marks the file's blocks deleted, which writes their records anew and not their
        // data (store format 3): it fits in the room kept on a full store.
        MountHarness.Sh rm = sh(mnt, "rm f1 2>&1 && sync -f . 2>&1");
        assertThat(rm.code()).as("a removal on the full store: " + rm.out()).isZero();
        // The removed file is history until a prune: the store is as full as it was.
        MountHarness.Sh more = sh(mnt, "{ head -c 2000000 /dev/urandom > g && sync g; } 2>&1");
        assertThat(more.code()).as("a write on the full store: " + more.out()).isNotZero();
        assertThat(more.out()).contains("No space left on device");
        ok(mnt, "rm -f g");

        CliResult mounted = h.hammer.run("max-size", store.toString(), "64m");
        assertThat(mounted.exitCode()).as(mounted.toString()).isEqualTo(3);
        assertThat(mounted.stderr()).contains("the store is open in another process").hasLineCount(1);
        assertThat(df(mnt)[0]).as("the limit as it was").isEqualTo(24L << 20);
        assertThat(h.umount(mnt).exitCode()).isZero();

        CliResult low = h.hammer.run("max-size", store.toString(), "1m");
        assertThat(low.exitCode()).as(low.toString()).isEqualTo(3);
        assertThat(low.stderr()).contains("pages already reach").hasLineCount(1);
        CliResult raised = h.hammer.run("max-size", store.toString(), "64m");
        assertThat(raised.exitCode()).as(raised.toString()).isZero();
        assertThat(raised.stdout()).isEqualTo(store + ": size limit 67108864 bytes (64.0 MiB), was 25165824 bytes"
                + " (24.0 MiB)\n");
        assertThat(h.hammer.run("info", store.toString()).stdout()).contains("    Limit               67108864 bytes");

        h.mount(store.toString(), mnt);
        assertThat(df(mnt)[0]).isEqualTo(64L << 20);
        ok(mnt, "rm f2 f3");
        long usedBeforePrune = df(mnt)[1];
        CliResult prune = h.hammer.run("prune-everything", mnt.toString());
        assertThat(prune.exitCode()).as(prune.toString()).isZero();
        assertThat(df(mnt)[1]).as("the room of the three files' history is free again (df counts the free list)")
                .isLessThan(usedBeforePrune - (5L << 20));
        ok(mnt, "sed -i '/ f[123]$/d' " + sums + " && sha256sum --quiet -c " + sums);
        ok(mnt, "head -c 8000000 /dev/urandom > more && sync more");
        assertThat(Files.exists(mnt.resolve("f1"))).isFalse();
    }
}
