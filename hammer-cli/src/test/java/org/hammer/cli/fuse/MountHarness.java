package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;

/**
 * Real mounts for tests: a world-readable work directory, stores made through the core API, the
 * real {@code ./hammer} launcher with its own {@code HAMMER_RUN_DIR}, bounded shell commands, and
 * a {@link #close()} that lazily unmounts whatever is left and waits for the daemons to go.
 */
final class MountHarness implements AutoCloseable {
    final Path dir;
    final Path runDir;
    final CliRunner hammer;
    private final List<Path> mounts = new ArrayList<>();
    /** While set, {@link #close} adds the daemons' logs here before removing them ({@link UringMounts} reads them). */
    static volatile StringBuilder keptLogs;

    MountHarness() throws IOException {
        dir = Files.createTempDirectory("hammer-mount-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        runDir = Files.createDirectories(dir.resolve("run"));
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", runDir.toString()).withTimeout(Duration.ofSeconds(60));
    }

    /** True when this machine can run FUSE mounts: root, /dev/fuse and fusermount. */
    static boolean available() {
        return Files.exists(Path.of("/dev/fuse")) && "root".equals(System.getProperty("user.name"))
                && (Files.isExecutable(Path.of("/usr/bin/fusermount3")) || Files.isExecutable(Path.of("/usr/bin/fusermount")));
    }

    /** A new store with PFS #0 (and a PFS link per name/mode pair in its root); returns its directory. */
    Path store(String name, Object... pfses) {
        Path s = dir.resolve(name);
        try (Store store = Store.create(s, "DATA", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(store, "DATA");
            for (int i = 0; i + 1 < pfses.length; i += 2) {
                Pfses.create(store, 1, (String) pfses[i], (PfsMode) pfses[i + 1], null);
            }
        }
        return s;
    }

    PfsConfig downgrade(Path store, int pfs) {
        try (Store s = Store.open(store)) {
            return Pfses.downgrade(s, pfs);
        }
    }

    Path dir(String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code hammer mount args... mountPoint}, asserted to succeed silently. */
    Path mount(String source, Path mountPoint, String... options) {
        return mount(hammer, source, mountPoint, options);
    }

    /** As {@link #mount(String, Path, String...)}, run by {@code runner} (another environment). */
    Path mount(CliRunner runner, String source, Path mountPoint, String... options) {
        List<String> args = new ArrayList<>(List.of("mount"));
        args.addAll(List.of(options));
        args.add(source);
        args.add(mountPoint.toString());
        CliResult r = runner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r + log(mountPoint)).isZero();
        assertThat(r.stdout() + r.stderr()).as("mount prints nothing on success").isEmpty();
        mounts.add(mountPoint);
        return mountPoint;
    }

    CliResult umount(Path mountPoint) {
        CliResult r = hammer.run("umount", mountPoint.toString());
        if (r.ok()) {
            mounts.remove(mountPoint);
        }
        return r;
    }

    String log(Path mountPoint) {
        try (Stream<Path> logs = Files.list(runDir)) {
            StringBuilder b = new StringBuilder();
            for (Path p : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                b.append("\n--- ").append(p.getFileName()).append(" ---\n").append(Files.readString(p));
            }
            return b.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The pid of the daemon serving a mount point. */
    long daemonPid(Path mountPoint) throws IOException {
        try (Stream<Path> pids = Files.list(runDir)) {
            for (Path p : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                long pid = Long.parseLong(Files.readString(p).trim());
                // The whole command line: ProcessHandle.Info cuts it at 4 KiB, and the daemon's
                // class path alone can be longer.
                String cmd;
                try {
                    cmd = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
                } catch (IOException e) {
                    cmd = "";
                }
                if (cmd.endsWith(" " + mountPoint)) {
                    return pid;
                }
            }
        }
        throw new AssertionError("no daemon for " + mountPoint);
    }

    /** Result of a shell command: exit code and combined output. */
    record Sh(int code, String out) {
    }

    /** Runs {@code bash -c script} in {@code cwd}, killed after 120 s. */
    static Sh sh(Path cwd, String script) {
        try {
            Process p = new ProcessBuilder("bash", "-c", script).directory(cwd.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[][] out = new byte[1][];
            Thread reader = new Thread(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (IOException e) {
                    out[0] = new byte[0];
                }
            });
            reader.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("timed out: " + script);
            }
            reader.join(5000);
            return new Sh(p.exitValue(), new String(out[0] == null ? new byte[0] : out[0], StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a script that must succeed; returns its output. */
    static String ok(Path cwd, String script) {
        Sh r = sh(cwd, script);
        assertThat(r.code()).as("%s\n%s", script, r.out()).isZero();
        return r.out();
    }

    /** Lazily unmounts what is left (innermost first), waits for the daemons, removes the work tree. */
    @Override
    public void close() throws IOException {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            sh(dir, "fusermount3 -uz '" + mounts.get(i) + "' 2>/dev/null || fusermount -uz '" + mounts.get(i)
                    + "' 2>/dev/null");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        try (Stream<Path> pids = Files.list(runDir)) {
            for (Path p : pids.filter(p -> p.toString().endsWith(".pid")).toList()) {
                try {
                    long pid = Long.parseLong(Files.readString(p).trim());
                    ProcessHandle.of(pid).ifPresent(h -> {
                        while (h.isAlive() && Files.exists(p) && System.nanoTime() < deadline) {
                            sleep(50);
                        }
                        if (h.isAlive() && Files.exists(p)) {
                            h.destroyForcibly();
                        }
                    });
                } catch (IOException | NumberFormatException e) {
                    // Gone already.
                }
            }
        }
        StringBuilder kept = keptLogs;
        if (kept != null) {
            kept.append(log(null));
        }
        sh(Path.of("/"), "rm -rf '" + dir + "'");
    }

    /** True when a process has exited (or is a zombie nobody reaped yet). */
    static boolean gone(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
