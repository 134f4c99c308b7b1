package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.HistoryIT.ok;
import static org.hammer.cli.HistoryIT.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * hammer(8)'s options and command words, as its scripts use them, on the real launcher: each is
 * accepted with its meaning here (or refused, in UsageErrorsTest, naming what replaces it).
 *
 * <pre>
 * store/pfs/test   a master: "file" written "one", then "two!"
 * </pre>
 */
class HammerScriptsIT {
    @TempDir
    Path tmp;
    CliRunner hammer;
    Path store;
    Path pfs;

    @BeforeEach
    void store() {
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString()).withEnv("TZ", "UTC");
        store = tmp.resolve("store");
        ok(hammer.run("newfs", store.toString()));
        pfs = store.resolve("pfs/test");
        ok(hammer.run("pfs-master", pfs.toString()));
        write(pfs, "file", "one");
        write(pfs, "file", "two!");
    }

    @Test
    void bulkAndDelayBeforeTheCommandAreAcceptedByMirrorCopy() {
        CliResult r = ok(hammer.run("-B", "-i", "5", "-y", "mirror-copy", pfs.toString(), store + "/pfs/copy"));

        assertThat(r.stderr()).contains("succeeded");
        assertThat(ok(hammer.run("mirror-verify", pfs.toString(), store + "/pfs/copy")).exitCode()).isZero();
    }

    @Test
    void debugBeforePfsDestroyIsAccepted() {
        ok(hammer.run("-d", "pfs-destroy", "-y", pfs.toString()));

        assertThat(hammer.run("pfs-status", pfs.toString()).exitCode()).isEqualTo(4);
    }

    @Test
    void historyAtOffsetAndLengthPrintsTheDataOfEachVersionWithVerbose() {
        String plain = ok(hammer.run("history@1,2", pfs + "/file")).stdout();
        assertThat(plain).doesNotContain("\"");

        String[] lines = ok(hammer.run("-v", "history@1,2", pfs + "/file")).stdout().split("\n");

        assertThat(lines[0]).startsWith(pfs + "/file\t");
        assertThat(String.join("\n", lines)).contains("        \"ne\"", "        \"wo\"");
    }

    @Test
    void snaploLinksTheDirectoryAndSnapqOnlyPrintsThePath() throws Exception {
        Path links = Files.createDirectory(tmp.resolve("links"));
        String printed = ok(hammer.run("snapq", pfs.toString())).stdout().strip();
        assertThat(printed).matches(java.util.regex.Pattern.quote(pfs.toString()) + "/@@0x[0-9a-f]{16}");
        try (var entries = Files.list(links)) {
            assertThat(entries).isEmpty();
        }
        assertThat(ok(hammer.run("undo", printed + "/file")).stdout()).isEqualTo("two!");

        String link = ok(hammer.run("snaplo", pfs.toString())).stdout().strip();
        assertThat(link).startsWith(pfs + "/snap-");
        write(pfs, "file", "three");
        assertThat(ok(hammer.run("undo", link + "/file")).stdout()).isEqualTo("two!");
    }

    @Test
    void sshCompressionIsAskedOfTheRemoteShell() throws Exception {
        Path argv = tmp.resolve("argv");
        Path rsh = tmp.resolve("rsh");
        Files.writeString(rsh, "#!/bin/sh\necho \"$@\" > " + argv + "\nexit 255\n");
        Files.setPosixFilePermissions(rsh, PosixFilePermissions.fromString("rwxr-xr-x"));

        CliResult r = hammer.withEnv("HAMMER_RSH", rsh.toString())
                .run("-X", "mirror-copy", pfs.toString(), "backup@offsite:/srv/copy");

        assertThat(r.exitCode()).isNotZero();
        assertThat(Files.readString(argv)).startsWith("-C backup@offsite hammer ");
    }
}
