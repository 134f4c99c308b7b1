package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.MirrorPair;
import org.hammer.fixtures.Sshd;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ssh-remote as an authorized_keys forced command: directly with $SSH_ORIGINAL_COMMAND set, and
 * through a real sshd whose key is restricted to {@code hammer ssh-remote mirror-write TMP}.
 *
 * <pre>
 * tmp/master.hammer/pfs/test   master
 * tmp/slave.hammer/pfs/test    slave: the only kind of place the restricted key may write
 * </pre>
 */
class SshRemoteIT {
    @TempDir
    Path tmp;

    private CliResult remote(String original, String commands) {
        return CliRunner.create().withEnv("SSH_ORIGINAL_COMMAND", original)
                .run("ssh-remote", commands, tmp.toString());
    }

    @Test
    void refusesACommandThatIsNotAllowed() {
        CliResult r = remote("hammer -2 mirror-write " + tmp.resolve("x"), "mirror-read");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).startsWith("hammer: ssh-remote mirror-write: request does not match restricted command");
    }

    @Test
    void refusesAPathOutsideTheTargetDirectory() {
        CliResult r = remote("hammer -2 mirror-read /etc/x", "mirror-read");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("/etc/x: restricted target");
    }

    @Test
    void refusesDotDotComponents() {
        CliResult r = remote("hammer -2 mirror-read " + tmp + "/../etc", "mirror-read");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("'..' not allowed");
    }

    @Test
    @Tag("ssh")
    void aRestrictedKeyMirrorsIntoItsDirectoryAndNowhereElse() {
        assumeTrue(Sshd.available(), "needs root, /usr/sbin/sshd, ssh and ssh-keygen");
        Path keys = tmp.resolve("keys");
        try (MirrorPair pair = MirrorPair.create(tmp, true);
                Sshd sshd = Sshd.start(mkdirs(keys), CliRunner.create().launcher())) {
            pair.write("hello", "hello\n".getBytes(StandardCharsets.UTF_8));
            sshd.authorize("command=\"hammer ssh-remote mirror-write " + tmp.resolve("slave.hammer") + "\"");
            CliRunner hammer = CliRunner.create().withEnv("HAMMER_RSH", sshd.rsh());

            CliResult ok = hammer.run("mirror-copy", pair.masterPath(), "root@127.0.0.1:" + pair.slavePath());
            CliResult outside = hammer.run("mirror-copy", pair.masterPath(),
                    "root@127.0.0.1:" + tmp.resolve("master.hammer/pfs/test"));

            assertThat(ok.exitCode()).as(ok + sshd.log()).isZero();
            assertThat(pair.slave().tree()).containsKey("/hello");
            assertThat(outside.exitCode()).as(outside.toString()).isEqualTo(3);
            assertThat(outside.stderr()).contains("restricted target");
        }
    }

    private static Path mkdirs(Path p) {
        try {
            return java.nio.file.Files.createDirectories(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
