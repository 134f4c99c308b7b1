package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class's mounts on FUSE over io_uring: turns the fuse module's {@code enable_uring}
 * switch on before the class's first mount (so the daemons' INIT is offered io_uring, which they
 * take by default), sets it back afterwards, and fails the class unless its daemons reported
 * requests served through their rings. Skipped where the kernel has no such switch (before Linux
 * 6.14, or a kernel built without it) or io_uring is turned off.
 */
final class UringMounts implements BeforeAllCallback, AfterAllCallback {
    static final Path ENABLE_URING = org.hammer.cli.fuse.kernel.Session.ENABLE_URING;
    private static final Pattern SERVED = Pattern.compile("(\\d+) requests served through FUSE over io_uring");
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(UringMounts.class);

    /** True where mounts can be served through io_uring: root, FUSE, the module's switch, io_uring allowed. */
    static boolean available() {
        try {
            Path disabled = Path.of("/proc/sys/kernel/io_uring_disabled");
            return MountHarness.available() && Files.isWritable(ENABLE_URING)
                    && (!Files.exists(disabled) || Files.readString(disabled).trim().equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        assumeTrue(available(), "needs root, FUSE and the fuse module's enable_uring (Linux 6.14 on)");
        context.getStore(NS).put("before", Files.readString(ENABLE_URING).trim());
        Files.writeString(ENABLE_URING, "Y");
        MountHarness.keptLogs = new StringBuilder();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        String before = context.getStore(NS).get("before", String.class);
        if (before == null) {
            return;
        }
        Files.writeString(ENABLE_URING, before);
        String logs = MountHarness.keptLogs.toString();
        MountHarness.keptLogs = null;
        long served = 0;
        Matcher m = SERVED.matcher(logs);
        while (m.find()) {
            served += Long.parseLong(m.group(1));
        }
        assertThat(served).as("requests the daemons served through io_uring; their logs:\n" + logs).isPositive();
    }
}
