package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed walkthrough, {@code shared/acceptance/walkthrough.sh --no-fuse}, run against the built
 * launcher, and with FUSE mounts when asked for slow tests. The script lives beside the project ({@code ../shared}), not in it; the test is
 * skipped where it is absent.
 */
@Tag("fuse") // one of its runs mounts: it runs with the other tests that do, one at a time
class WalkthroughIT {
    @TempDir
    Path tmp;

    static Path script(Path root) {
        return Stream.of(root.resolveSibling("shared"), root.getParent().resolveSibling("shared"))
                .map(d -> d.resolve("acceptance/walkthrough.sh")).filter(Files::isRegularFile).findFirst()
                .orElse(null);
    }

    @Test
    void theSeedWalkthroughPassesWithoutFuse() throws Exception {
        walk("--no-fuse");
    }

    /** The whole walkthrough through FUSE mounts, mirror-stream included (needs /dev/fuse and fusermount3). */
    @Test
    void theSeedWalkthroughPassesThroughFuseMounts() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
        walk();
    }

    /**
     * The script unmounts with fusermount, which does not wait for the mount daemons: they finish
     * (commit, leave the mount table in the run directory) after it ends. Wait for them, at most
     * 30 s, before the temporary directory goes.
     */
    private void awaitDaemons() throws InterruptedException {
        String mark = tmp.toString();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && ProcessHandle.allProcesses().anyMatch(ph -> {
            String c = commandLine(ph.pid());
            return c.contains(mark) && c.contains("mount");
        })) {
            Thread.sleep(50);
        }
    }

    /** A process's whole command line (ProcessHandle.Info cuts it at 4 KiB, shorter than a daemon's). */
    private static String commandLine(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid),
                    "cmdline")), java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private void walk(String... args) throws Exception {
        Path launcher = CliRunner.create().launcher();
        Path script = script(launcher.getParent());
        assumeTrue(script != null, "no ../shared/acceptance/walkthrough.sh beside the project");

        ProcessBuilder b = new ProcessBuilder(Stream.concat(Stream.of("bash", script.toString()), Stream.of(args))
                .toList()).redirectErrorStream(true);
        b.environment().put("HAMMER", launcher.toString());
        b.environment().put("HAMMER_RUN_DIR", Files.createDirectories(tmp.resolve("run")).toString());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("TMPDIR", tmp.toString());
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        awaitDaemons();

        assertThat(p.exitValue()).as(text).isZero();
        assertThat(text).contains("WALKTHROUGH PASSED");
    }
}
