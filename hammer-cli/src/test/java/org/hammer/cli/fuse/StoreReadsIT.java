package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.pfs.PfsMode;
import org.hammer.fixtures.CliResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Commands that read a mounted store directly, and the snapshot commands on a mount: every one
 * makes the store's mounts commit first (seen as an fsyncdir on the mount's metrics), a snapshot of
 * the mounted PFS #0 links through the mount, a PFS link selects the PFS for snaprm, and umount of
 * a plain directory says it is not mounted.
 *
 * <pre>
 * st/              a store, PFS #0 mounted on mnt/ (with --metrics)
 * st/data      a master PFS (mnt/data), holding mnt/data/file
 * </pre>
 */
@Tag("fuse")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class StoreReadsIT {
    private MountHarness h;
    private Path store;
    private Path mnt;
    private int port;

    @BeforeEach
    void mount() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        store = h.store("st", "data", PfsMode.MASTER);
        port = freePort();
        mnt = h.mount(store.toString(), h.dir("mnt"), "--metrics", "127.0.0.1:" + port);
        MountHarness.ok(h.dir, "echo hello > mnt/data/file");
    }

    @AfterEach
    void close() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    private CliResult ok(String... args) {
        CliResult r = h.hammer.run(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r).isZero();
        return r;
    }

    @Test
    void everyCommandThatReadsTheStoreMakesItsMountsCommitFirst() throws Exception {
        Path out = h.dir.resolve("out");
        String[][] commands = {
            {"info", store.toString()},
            {"pfs-status", store + "/data"},
            {"history", store + "/data/file"},
            {"snapls", store + "/data"},
            {"scrub", "-q", store.toString()},
            {"cpdup", store + "/data", out.toString()},
            {"mirror-read", store + "/data"},
        };
        for (String[] command : commands) {
            double before = fsyncdirs();
            ok(command);
            assertThat(fsyncdirs()).as(String.join(" ", command) + " flushes the mount first").isGreaterThan(before);
        }
        assertThat(out.resolve("file")).hasContent("hello");
    }

    @Test
    void snapshotOfTheMountedStoreLinksThroughTheMount() throws Exception {
        String link = ok("snapshot", store.toString()).stdout().strip();

        String target = Files.readSymbolicLink(Path.of(link.replace(store.toString(), mnt.toString()))).toString();
        assertThat(target).startsWith(mnt + "/@@0x");
        assertThat(Path.of(target).resolve("data")).exists();
    }

    @Test
    void snaprmTakesAPfsLinkOfTheMountAsItsSelector() {
        String link = ok("snapshot", mnt + "/data").stdout().strip();
        Matcher m = Pattern.compile("@@(0x[0-9a-f]{16})").matcher(readLink(link));
        assertThat(m.find()).isTrue();

        ok("snaprm", mnt + "/data", m.group(1));

        assertThat(ok("snapls", mnt + "/data").stdout()).doesNotContain(m.group(1));
    }

    @Test
    void umountOfAPlainDirectorySaysItIsNotMounted() {
        Path plain = h.dir("plain");

        CliResult r = h.hammer.run("umount", plain.toString());

        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.stderr()).isEqualTo("hammer: umount " + plain + ": not mounted\n");
    }

    private static String readLink(String link) {
        try {
            return Files.readSymbolicLink(Path.of(link)).toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The fsyncdir requests the mount has served so far. */
    private double fsyncdirs() throws IOException {
        String text = scrape();
        Matcher m = Pattern.compile("(?m)^hammer_mount_operations_total\\{mountpoint=\"" + Pattern.quote(mnt.toString())
                + "\",op=\"fsyncdir\"} (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String scrape() throws IOException {
        return org.hammer.cli.MetricsEndpoint.scrape(port);
    }

    private static int freePort() {
        return org.hammer.cli.MetricsEndpoint.freePort();
    }
}
