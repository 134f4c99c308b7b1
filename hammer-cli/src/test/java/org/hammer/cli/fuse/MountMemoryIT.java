package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mount daemon's own memory stays bounded while data passes through it: its anonymous
 * resident memory, sampled every 100 ms through a tree of small files, 1 GiB written and read
 * back in sequence (the store's read-ahead buffers made then), stays under 256 MiB, on either FUSE
 * backend. Without a heap bound the JVM's default heap (a quarter of the machine) grew to ~540 MB
 * on this workload; without the bound on glibc's arenas the kernel-protocol backend's six workers
 * took it just over 256 MiB.
 *
 * <pre>
 * tree.tar      3,000 files of 1–16 KiB in 30 directories
 * disk.hammer   a store, mounted on mnt/
 * mnt/t/        the tree, extracted
 * mnt/big       1 GiB of zeros, fsynced, then read back
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class MountMemoryIT {
    private static final long LIMIT_KIB = 256L << 10;
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

    @ParameterizedTest
    @ValueSource(strings = {"libfuse", "kernel"})
    void theDaemonsAnonymousMemoryStaysUnder256MiB(String backend) throws Exception {
        Path tree = h.dir("tree");
        Random rnd = new Random(16);
        for (int d = 0; d < 30; d++) {
            Path dir = Files.createDirectories(tree.resolve("d" + d));
            for (int f = 0; f < 100; f++) {
                byte[] b = new byte[1024 + rnd.nextInt(15 * 1024)];
                rnd.nextBytes(b);
                Files.write(dir.resolve("f" + f), b);
            }
        }
        MountHarness.ok(h.dir, "tar -C tree -cf tree.tar .");
        Path mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"), "-o", "backend=" + backend);
        long pid = h.daemonPid(mnt);

        AtomicLong peak = new AtomicLong();
        Thread sampler = new Thread(() -> {
            // Bounded by the test's timeout: it ends when the daemon does or when interrupted.
            while (!Thread.currentThread().isInterrupted()) {
                long kib = rssAnonKib(pid);
                if (kib < 0) {
                    return;
                }
                peak.accumulateAndGet(kib, Math::max);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            MountHarness.ok(h.dir, "mkdir mnt/t && tar -C mnt/t -xf tree.tar"
                    + " && dd if=/dev/zero of=mnt/big bs=1M count=1024 conv=fsync status=none"
                    + " && dd if=mnt/big of=/dev/null bs=1M status=none");
            MountHarness.sleep(300);
        } finally {
            sampler.interrupt();
            sampler.join(5000);
        }
        assertThat(Files.size(mnt.resolve("big"))).isEqualTo(1L << 30);
        assertThat(peak.get()).as("samples were taken").isPositive();
        assertThat(peak.get()).as("the daemon's peak RssAnon in KiB (limit %d)", LIMIT_KIB).isLessThan(LIMIT_KIB);
        assertThat(h.umount(mnt).exitCode()).isZero();
    }

    /** RssAnon of a process in KiB, from /proc; -1 once it is gone. */
    private static long rssAnonKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("RssAnon:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
