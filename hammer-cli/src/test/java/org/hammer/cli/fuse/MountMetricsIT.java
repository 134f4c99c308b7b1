package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code mount --metrics} scraped over loopback while files are written and read through the
 * mount, and SIGTERM to a mount's daemon: it unmounts and exits 0 (systemd's stop).
 *
 * <pre>
 * disk.hammer   a store, mounted on mnt/
 * mnt/data      3 MiB written, synced and read back
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountMetricsIT {
    private MountHarness h;

    @BeforeEach
    void harness() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
    }

    @AfterEach
    void close() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void metricsCountOperationsBytesCommitsAndTheWriteBackQueue() throws Exception {
        int port = freePort();
        Path mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"), "--metrics", "127.0.0.1:" + port);
        MountHarness.ok(h.dir, "head -c 3145728 /dev/urandom > mnt/data && sync mnt/data && cat mnt/data > /dev/null"
                + " && ls -l mnt > /dev/null");

        String m = scrape(port);
        String labels = "{mountpoint=\"" + mnt + "\"";
        assertThat(value(m, "hammer_mount_written_bytes_total" + labels + "}")).isGreaterThanOrEqualTo(3145728);
        assertThat(value(m, "hammer_mount_read_bytes_total" + labels + "}")).isGreaterThanOrEqualTo(3145728);
        assertThat(value(m, "hammer_mount_operations_total" + labels + ",op=\"write\"}")).isGreaterThan(0);
        assertThat(value(m, "hammer_mount_operations_total" + labels + ",op=\"fsync\"}")).isGreaterThanOrEqualTo(1);
        assertThat(value(m, "hammer_mount_operations_total" + labels + ",op=\"create\"}")).isEqualTo(1);
        assertThat(value(m, "hammer_mount_commit_seconds_count" + labels + "}")).isGreaterThanOrEqualTo(1);
        assertThat(value(m, "hammer_mount_commit_seconds_sum" + labels + "}")).isGreaterThan(0);
        assertThat(value(m, "hammer_mount_writeback_queue_bytes" + labels + "}")).isEqualTo(0);
        assertThat(m).contains("# TYPE hammer_mount_commit_seconds histogram",
                "# TYPE hammer_mount_writeback_queue_tasks gauge");
        assertThat(h.umount(mnt).exitCode()).isZero();
    }

    /**
     * A large file read in sequence through a fresh mount (nothing of it in the kernel's cache):
     * its next blocks are asked of the store ahead of the reader, and it comes back whole. A small
     * file and a read of a few scattered pages ask for nothing.
     */
    @Test
    void aReaderInSequenceHasTheFilesNextBlocksAskedForAheadAndGetsTheFileWhole() throws Exception {
        Path store = h.store("disk.hammer");
        Path mnt = h.mount(store.toString(), h.dir("mnt"));
        MountHarness.ok(h.dir, "head -c 25165824 /dev/urandom > big && cp big mnt/big && head -c 100000 big > mnt/small"
                + " && sync mnt/big mnt/small");
        assertThat(h.umount(mnt).exitCode()).isZero();

        int port = freePort();
        h.mount(store.toString(), mnt, "--metrics", "127.0.0.1:" + port);
        String labels = "{mountpoint=\"" + mnt + "\"}";
        MountHarness.ok(h.dir, "cat mnt/small > /dev/null && for o in 3 11 19; do"
                + " dd if=mnt/big of=/dev/null bs=4k skip=$((o * 256)) count=1 iflag=direct status=none; done");
        assertThat(value(scrape(port), "hammer_mount_read_ahead_bytes_total" + labels)).as("no reader in sequence yet")
                .isZero();
        MountHarness.ok(h.dir, "dd if=mnt/big of=back bs=1M status=none && cmp big back");
        assertThat(value(scrape(port), "hammer_mount_read_ahead_bytes_total" + labels))
                .isGreaterThanOrEqualTo(org.hammer.core.fs.ReadAhead.WINDOW);
        assertThat(h.umount(mnt).exitCode()).isZero();
    }

    @Test
    void sigtermToTheDaemonUnmountsAndExitsZero() throws Exception {
        Path mnt = h.dir("mnt");
        Path store = h.store("disk.hammer");
        ProcessBuilder b = new ProcessBuilder(h.hammer.launcher().toString(), "mount", "-f", store.toString(),
                mnt.toString()).redirectErrorStream(true).redirectOutput(h.dir.resolve("fg.log").toFile());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HAMMER_RUN_DIR", h.runDir.toString());
        Process daemon = b.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (Fusermount.device(mnt) == Fusermount.device(h.dir) && System.nanoTime() < deadline) {
            MountHarness.sleep(50);
        }
        MountHarness.ok(h.dir, "echo kept > mnt/file");

        daemon.destroy(); // SIGTERM
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(h.dir.resolve("fg.log"))).isTrue();
        assertThat(daemon.exitValue()).as("exit status after SIGTERM").isZero();
        assertThat(Files.readAllLines(Path.of("/proc/self/mounts"))).noneMatch(l -> l.contains(" " + mnt + " "));
        MountHarness.ok(h.dir, "test -z \"$(ls -A mnt)\"");
        h.mount(store.toString(), mnt);
        assertThat(Files.readString(mnt.resolve("file"))).as("committed before the daemon exited").isEqualTo("kept\n");
        assertThat(h.umount(mnt).exitCode()).isZero();
    }

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(series + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String scrape(int port) throws IOException {
        return org.hammer.cli.MetricsEndpoint.scrape(port);
    }

    private static int freePort() {
        return org.hammer.cli.MetricsEndpoint.freePort();
    }
}
