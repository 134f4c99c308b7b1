package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link KernelMountIT}'s tests with the mounts served through FUSE over io_uring
 * ({@link UringMounts}), and the options that choose the transport.
 */
@ExtendWith(UringMounts.class)
class KernelMountUringIT extends KernelMountIT {
    private static final String SERVED = "requests served through FUSE over io_uring";

    /** Mounts with {@code options}, writes and reads a file through it, unmounts; returns the daemon's log. */
    private String roundTrip(String... options) throws IOException {
        try (MountHarness h = new MountHarness()) {
            Path mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"), options);
            Files.writeString(mnt.resolve("f"), "through the mount");
            assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("through the mount");
            assertThat(h.umount(mnt).exitCode()).isZero();
            return h.log(mnt);
        }
    }

    /**
     * Not run again here (no {@code @Test} on the override): what it checks is the write-back
     * engine's order, which both transports share, and it takes ~13 s; {@link KernelMountIT} runs it.
     */
    @Override
    void aCapabilityDroppedBehindOtherWritesIsGoneWhenTheFileIsClosed() {
    }

    @Test
    void nouringKeepsToTheDevice() throws IOException {
        assertThat(roundTrip()).contains(SERVED);
        assertThat(roundTrip("-o", "nouring")).doesNotContain(SERVED).doesNotContain("io_uring");
    }

    /**
     * Where the kernel offers rings but this process may not set one up (io_uring turned off for
     * all: kernel.io_uring_disabled=2), the mount says so once and serves on /dev/fuse with all
     * its workers.
     */
    @Test
    void aRingThatCannotBeSetUpLeavesTheRequestsOnTheDevice() throws IOException {
        Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
        String before = Files.readString(disabled).trim();
        Files.writeString(disabled, "2");
        String log;
        try (MountHarness h = new MountHarness()) {
            Path mnt = h.mount(h.store("disk.hammer").toString(), h.dir("mnt"));
            for (int i = 0; i < 50; i++) {
                Files.writeString(mnt.resolve("f" + i), "file " + i);
            }
            assertThat(Files.readString(mnt.resolve("f49"))).isEqualTo("file 49");
            long workers;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(h.daemonPid(mnt)), "task"))) {
                workers = tasks.filter(t -> {
                    try {
                        return Files.readString(t.resolve("comm")).trim().matches("hammer-fuse-\\d+");
                    } catch (IOException e) {
                        return false;
                    }
                }).count();
            }
            assertThat(workers).as("the device's workers").isEqualTo(6);
            assertThat(h.umount(mnt).exitCode()).isZero();
            log = h.log(mnt);
        } finally {
            Files.writeString(disabled, before);
        }
        assertThat(log).contains("FUSE over io_uring: io_uring_setup: ").contains("requests go through /dev/fuse")
                .doesNotContain(SERVED);
    }

    /**
     * Once INIT has agreed on rings the kernel holds every request until each CPU's queue has an
     * entry: a ring that fails to set up then (forced here) must not leave callers waiting. The
     * mount fails saying why, its connection aborted, and the next mount clears the stale point.
     */
    @Test
    void aRingThatFailsAfterInitAbortsTheConnection() throws IOException {
        try (MountHarness h = new MountHarness()) {
            Path store = h.store("disk.hammer");
            Path mnt = h.dir("mnt");
            org.hammer.fixtures.CliResult r = h.hammer.withEnv("HAMMER_MOUNT_JAVA_OPTS", "-Dhammer.fuse.ring.fail=true")
                    .run("mount", store.toString(), mnt.toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.stderr()).contains("mount failed").contains("connection aborted");
            assertThat(MountHarness.sh(h.dir, "ls mnt").out()).containsAnyOf("not connected", "connection abort");
            h.mount(store.toString(), mnt);
            Files.writeString(mnt.resolve("f"), "after");
            assertThat(Files.readString(mnt.resolve("f"))).isEqualTo("after");
            assertThat(h.umount(mnt).exitCode()).isZero();
        }
    }

    /** {@code -o uring} turns the kernel's switch on first (the extension sets it back after the class). */
    @Test
    void uringTurnsTheKernelsSwitchOn() throws IOException {
        Files.writeString(UringMounts.ENABLE_URING, "N");
        try {
            assertThat(roundTrip()).as("switch off: the kernel offers no rings").doesNotContain(SERVED);
            String log = roundTrip("-o", "uring");
            assertThat(log).contains("turned on " + UringMounts.ENABLE_URING).containsPattern("[1-9]\\d* " + SERVED);
            assertThat(Files.readString(UringMounts.ENABLE_URING).trim()).isEqualTo("Y");
        } finally {
            Files.writeString(UringMounts.ENABLE_URING, "Y");
        }
    }
}
