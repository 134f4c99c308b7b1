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

    @Test
    void nouringKeepsToTheDevice() throws IOException {
        assertThat(roundTrip()).contains(SERVED);
        assertThat(roundTrip("-o", "nouring")).doesNotContain(SERVED).doesNotContain("io_uring");
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
