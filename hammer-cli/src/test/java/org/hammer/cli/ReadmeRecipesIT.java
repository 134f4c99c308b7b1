package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.MirrorPair;
import org.hammer.fixtures.Sshd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron recipes of README.md, read from it and run as cron runs them ({@code /bin/sh -c} with
 * cron's {@code PATH=/usr/bin:/bin}), with only the places mapped into the test directory
 * ({@code /Data}, {@code /Backup}, {@code /Backup1}, {@code /Backup2}, the lock,
 * {@code /usr/local/bin/hammer}) and the host {@code backup@offsite} onto the test sshd, whose key
 * carries the README's forced command.
 *
 * <pre>
 * tmp/Data/pfs/home        the laptop's master: a store, not mounted
 * tmp/Backup               the backup host's store, not mounted; pfs/laptop made by the first copy
 * tmp/bin/ssh              ssh to the test sshd for backup@offsite
 * </pre>
 */
class ReadmeRecipesIT {
    @TempDir
    Path tmp;

    private static String readme() throws IOException {
        return Files.readString(CliRunner.create().launcher().toAbsolutePath().getParent().resolve("README.md"));
    }

    /** The one README line that starts with {@code prefix}. */
    private static String line(String readme, String prefix) {
        List<String> lines = readme.lines().filter(l -> l.startsWith(prefix)).toList();
        assertThat(lines).as("README lines starting with " + prefix).hasSize(1);
        return lines.get(0);
    }

    /** The command of a crontab line: what follows its first {@code fields} fields (time, and the user in /etc/crontab). */
    private static String command(String cronLine, int fields) {
        String[] parts = cronLine.trim().split("\\s+", fields + 1);
        return parts[fields];
    }

    @Test
    @Tag("ssh")
    void theLaptopRecipeCopiesOffSiteThroughTheForcedCommandInBothCrontabFormats() throws Exception {
        assumeTrue(Sshd.available(), "needs root, /usr/sbin/sshd, ssh and ssh-keygen");
        String readme = readme();
        String cronD = line(readme, "*/5 * * * * root ssh ");
        String crontab = line(readme, "*/5 * * * * ssh ");
        String key = line(readme, "command=\"hammer ssh-remote ");
        CliRunner hammer = CliRunner.create();
        Path data = tmp.resolve("Data");
        Path backup = tmp.resolve("Backup");
        ok(hammer.run("newfs", data.toString()));
        ok(hammer.run("pfs-master", data + "/pfs/home"));
        Path files = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(files.resolve("notes"), "first\n");
        ok(hammer.run("cpdup", files.toString(), data + "/pfs/home"));
        ok(hammer.run("newfs", backup.toString()));

        try (Sshd sshd = Sshd.start(Files.createDirectories(tmp.resolve("keys")), hammer.launcher())) {
            sshd.authorize(here(key.substring(0, key.indexOf(" ssh-ed25519"))));
            Path bin = Files.createDirectories(tmp.resolve("bin"));
            script(bin.resolve("ssh"), "#!/bin/sh\n# backup@offsite is the test sshd\nfor a; do shift; case \"$a\" in "
                    + "backup@offsite) set -- \"$@\" offsite ;; *) set -- \"$@\" \"$a\" ;; esac; done\n"
                    + "exec /usr/bin/ssh -F " + sshd.dir().resolve("ssh_config") + " -o HostName=127.0.0.1 \"$@\"\n");

            Sh first = cron(bin, here(command(cronD, 6)));
            assertThat(first.code()).as(first.out() + sshd.log()).isZero();
            ok(hammer.run("mirror-verify", data + "/pfs/home", backup + "/pfs/laptop"));

            Files.writeString(files.resolve("more"), "second\n");
            ok(hammer.run("cpdup", files.toString(), data + "/pfs/home"));
            Sh second = cron(bin, here(command(crontab, 5)));
            assertThat(second.code()).as(second.out() + sshd.log()).isZero();
            ok(hammer.run("mirror-verify", data + "/pfs/home", backup + "/pfs/laptop"));
            assertThat(ok(hammer.run("pfs-status", backup + "/pfs/laptop")).stdout()).contains("slave");

            // While a copy still runs (it holds the lock), the next run is skipped.
            Process holder = new ProcessBuilder("flock", tmp.resolve("offsite.lock").toString(), "sleep", "30").start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                Sh skipped;
                do {
                    skipped = cron(bin, here(command(crontab, 5)));
                } while (skipped.code() == 0 && System.nanoTime() < deadline);
                assertThat(skipped.code()).as("flock -n while the lock is held").isEqualTo(1);
            } finally {
                holder.destroy();
                holder.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theRebootLinesStartAStreamInBothCrontabFormats() throws Exception {
        String readme = readme();
        for (String prefix : List.of("@reboot root /usr/local/bin/hammer ", "@reboot /usr/local/bin/hammer ")) {
            String line = line(readme, prefix);
            Path dir = Files.createDirectories(tmp.resolve(prefix.contains("root") ? "etc-crontab" : "crontab-e"));
            try (MirrorPair pair = MirrorPair.create(dir, true)) {
                long tid = pair.write("hello", "hello\n".getBytes(StandardCharsets.UTF_8));
                String cmd = command(line, prefix.contains("root") ? 2 : 1)
                        .replace("/usr/local/bin/hammer", CliRunner.create().launcher().toAbsolutePath().toString())
                        .replace("/Backup1/test", pair.masterPath()).replace("/Backup2/test", pair.slavePath());
                ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", "exec " + cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("cron.log").toFile());
                b.environment().put("PATH", "/usr/bin:/bin");
                b.environment().put("JAVA_HOME", System.getProperty("java.home"));
                Process stream = b.start();
                try {
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (Long.compareUnsigned(pair.slave().syncEndTid(), tid) < 0 && System.nanoTime() < deadline
                            && stream.isAlive()) {
                        Thread.sleep(50);
                    }
                    assertThat(pair.slave().tree()).as(Files.readString(dir.resolve("cron.log"))).containsKey("/hello");
                    stream.destroy();
                    assertThat(stream.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    assertThat(stream.exitValue()).isZero();
                } finally {
                    stream.destroyForcibly();
                }
            }
        }
    }

    /** The README's places mapped into the test directory. */
    private String here(String text) {
        return text.replace("/usr/local/bin/hammer", CliRunner.create().launcher().toAbsolutePath().toString())
                .replace("/run/hammer-offsite.lock", tmp.resolve("offsite.lock").toString())
                .replace(" /Data/", " " + tmp.resolve("Data") + "/")
                .replace(":/Backup/", ":" + tmp.resolve("Backup") + "/")
                .replace(" /Backup/", " " + tmp.resolve("Backup") + "/")
                .replace(" /Backup\"", " " + tmp.resolve("Backup") + "\"");
    }

    record Sh(int code, String out) {
    }

    /** Runs a crontab command as cron does: /bin/sh -c, PATH=/usr/bin:/bin (with the ssh of bin first). */
    private Sh cron(Path bin, String command) throws Exception {
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        b.environment().put("PATH", bin + ":/usr/bin:/bin");
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HOME", tmp.toString());
        Process p = b.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("cron command within 180 s").isTrue();
        return new Sh(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static CliResult ok(CliResult r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }
}
