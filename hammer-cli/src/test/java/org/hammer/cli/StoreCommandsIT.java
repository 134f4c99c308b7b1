package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** newfs, info and synctid, run for real. */
class StoreCommandsIT {

    @TempDir
    Path tmp;

    private CliRunner hammer;

    @BeforeEach
    void runner() {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
    }

    private CliResult ok(String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    @Test
    void newfsCreatesAStoreAndSummarisesIt() {
        CliResult r = ok("newfs", "-L", "DATA", "--max-size", "64m", "disk1");

        assertThat(r.stdout()).startsWith("Created store disk1\n    label=\"DATA\"\n")
                .containsPattern("    fs-uuid=[0-9a-f-]{36}\n").contains("    format=4\n", "    max-size=67108864\n");
        assertThat(tmp.resolve("disk1/hammer-store")).isRegularFile();
        assertThat(ok("pfs-status", "disk1").stdout()).contains("label=\"DATA\"", "operating as a MASTER");
    }

    // old/ (made in format 2): pfs/m, a master mirrored to new/pfs/s; upgraded, written, mirrored again
    @Test
    void versionUpgradeMovesAFormat2StoreOnAndItsMirrorGoesOn() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("d"));
        byte[] big = new byte[3 << 20];
        new java.util.Random(1).nextBytes(big);
        Files.write(src.resolve("big"), big);
        Files.writeString(src.resolve("d/small"), "small\n");
        assertThat(ok("newfs", "-V", "2", "old").stdout()).contains("    format=2\n");
        assertThat(ok("version", "old").stdout()).startsWith("min=2 wip=none max=4 current=2 description=\"")
                .contains("\navailable versions:\n    2\tNORM\t", "\n    3\tNORM\t", "\n    4\tNORM\t");
        assertThat(ok("info", "old").stdout()).contains("    Format version      2 (hammer version-upgrade moves it to 4)\n");
        ok("pfs-master", "old/pfs/m");
        ok("cpdup", "-q", "src", "old/pfs/m");
        ok("newfs", "new");
        ok("mirror-copy", "-y", "-q", "old/pfs/m", "new/pfs/s");

        CliResult up = ok("version-upgrade", "old", "3");

        assertThat(up.stdout()).matches("hammer version-upgrade: succeeded\nold: format 3 \\(was 2\\); the data of "
                + "\\d+ records \\(3\\.\\d MiB\\) moved into the blocks table\n");
        assertThat(ok("version", "-q", "old/pfs/m").stdout()).startsWith("min=2 wip=none max=4 current=3 ")
                .hasLineCount(1);
        assertThat(ok("info", "old").stdout()).contains("    Format version      3 (hammer version-upgrade moves it to 4)\n");
        assertThat(ok("version-upgrade", "old", "3", "force").stdout()).endsWith("old: already format 3\n");
        Files.writeString(src.resolve("d/small"), "changed\n");
        Files.write(src.resolve("big"), java.util.Arrays.copyOf(big, 1 << 20));
        ok("cpdup", "-q", "src", "old/pfs/m");
        ok("mirror-copy", "-q", "old/pfs/m", "new/pfs/s");
        ok("mirror-verify", "old/pfs/m", "new/pfs/s");
        ok("scrub", "-q", "old", "new");

        CliResult lower = hammer.run("version-upgrade", "old", "2");
        assertThat(lower.exitCode()).isEqualTo(3);
        assertThat(lower.stderr()).contains("the store is format 3; a format is never lowered").hasLineCount(1);
        CliResult odd = hammer.run("version-upgrade", "old", "3", "now");
        assertThat(odd.exitCode()).isEqualTo(2);
        assertThat(odd.stderr()).startsWith("hammer: version-upgrade expected PATH VERSION [force], got 'now'\n");
        CliResult made = hammer.run("newfs", "-V", "1", "older");
        assertThat(made.exitCode()).isEqualTo(3);
        assertThat(made.stderr()).contains("format 1 is not one this hammer makes (2 to 4)").hasLineCount(1);
        assertThat(tmp.resolve("older")).doesNotExist();

        // on to format 4: nothing moves; files made after count their blocks, and still mirror both ways
        assertThat(ok("version-upgrade", "old", "4").stdout()).endsWith("old: format 4 (was 3); nothing moved: files"
                + " made from now on count their blocks in their inodes\n");
        assertThat(ok("info", "old").stdout()).contains("    Format version      4\n");
        Files.write(src.resolve("d/later"), big);
        ok("cpdup", "-q", "src", "old/pfs/m");
        ok("mirror-copy", "-q", "old/pfs/m", "new/pfs/s");
        ok("newfs", "-V", "3", "three");
        ok("mirror-copy", "-y", "-q", "old/pfs/m", "three/pfs/s");
        ok("mirror-verify", "old/pfs/m", "new/pfs/s");
        ok("mirror-verify", "old/pfs/m", "three/pfs/s");
        ok("scrub", "-q", "old", "new", "three");
        assertThat(ok("version", "-q", "three").stdout()).startsWith("min=2 wip=none max=4 current=3 ");
    }

    /**
     * Killed (SIGKILL) as soon as it says it committed its first 16 MiB of moved data (mid-way, or
     * after its last commit if it is quicker than the kill): the store scrubs clean and holds what it
     * held; run again, the upgrade ends. (FormatUpgradeTest stops one after its first commit exactly.)
     */
    @Test
    void aKilledVersionUpgradeLeavesAWholeStoreAndGoesOn() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        java.util.Random rnd = new java.util.Random(2);
        for (int i = 0; i < 12; i++) {
            byte[] b = new byte[8 << 20];
            rnd.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        ok("newfs", "-V", "2", "old");
        ok("pfs-master", "old/pfs/m");
        ok("cpdup", "-q", "src", "old/pfs/m");
        ok("newfs", "new");
        ok("mirror-copy", "-y", "-q", "old/pfs/m", "new/pfs/s");
        Path log = tmp.resolve("upgrade.log");
        ProcessBuilder pb = new ProcessBuilder(hammer.launcher().toString(), "-v", "version-upgrade", "old", "3")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Process p = pb.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (p.isAlive() && !Files.readString(log).contains("committed") && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        assertThat(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).as("its first commit of moved data")
                .startsWith("version-upgrade old: committed, 16.0 MiB moved\n");
        assertThat(Files.readString(tmp.resolve("old/hammer-store"))).contains("format=3");

        ok("scrub", "-q", "old");
        ok("mirror-verify", "old/pfs/m", "new/pfs/s");
        // what the killed run had not committed (all of it, if the kill came after its last commit)
        assertThat(ok("version-upgrade", "old", "3").stdout()).startsWith("hammer version-upgrade: succeeded\nold: ")
                .containsAnyOf("MiB) moved into the blocks table (the rest of an upgrade that stopped)\n",
                        "already format 3\n")
                .doesNotContain("(96.0 MiB)");
        ok("scrub", "-q", "old");
        ok("mirror-verify", "old/pfs/m", "new/pfs/s");
    }

    @Test
    void aVersionUpgradeWithoutRoomSaysSoAndGoesOnOnceGivenRoom() throws Exception {
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        byte[] b = new byte[3 << 20];
        new java.util.Random(3).nextBytes(b);
        Files.write(src.resolve("f"), b);
        ok("newfs", "-V", "2", "old");
        ok("cpdup", "-q", "src", "old/d");
        // the lowest limit max-size takes: the pages the store already has
        CliResult low = hammer.run("max-size", "old", "1");
        assertThat(low.exitCode()).as(low.toString()).isEqualTo(3);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("already reach (\\d+) bytes").matcher(low.stderr());
        assertThat(m.find()).as(low.stderr()).isTrue();
        ok("max-size", "old", m.group(1));

        CliResult full = hammer.run("version-upgrade", "old", "3");
        assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
        assertThat(full.stdout()).isEmpty();
        assertThat(full.stderr()).startsWith("hammer: version-upgrade old: ").contains("no room to move the next block",
                "hammer max-size raises the limit", "the upgrade stopped whole", "goes on when run again").hasLineCount(1);
        ok("scrub", "-q", "old");
        ok("max-size", "old", "1G");
        assertThat(ok("version-upgrade", "old", "3").stdout())
                .endsWith("moved into the blocks table (the rest of an upgrade that stopped)\n");
        ok("scrub", "-q", "old");
        ok("cpdup", "-q", "old/d", "out");
        assertThat(Files.readAllBytes(tmp.resolve("out/f"))).isEqualTo(b);
    }

    // disk1/             store "DATA", PFS #0
    // └── pfs/
    //     ├── test  -> @@PFS00001   master, mounted (per the mount table) on /mnt/test
    //     └── slave -> @@PFS00002   slave
    @Test
    void infoShowsTheStoreAndItsPfsTable() throws Exception {
        ok("newfs", "-L", "DATA", "disk1");
        ok("pfs-master", "disk1/pfs/test");
        ok("pfs-slave", "disk1/pfs/slave");
        Files.createDirectories(tmp.resolve("run"));
        Files.writeString(tmp.resolve("run/mounts"), "/mnt/test\t" + tmp.resolve("disk1") + "\t1\n");

        CliResult named = ok("info", "disk1/pfs/test");
        CliResult mounted = ok("info");

        assertThat(named.stdout()).startsWith(tmp.resolve("disk1") + "\n")
                .contains("    Label               DATA\n", "    Format version      4\n")
                .containsPattern("    FSID                [0-9a-f-]{36}\n")
                .containsPattern("    Used                [1-9][0-9]* bytes")
                .containsPattern("    Newest TID          0x00000001[0-9a-f]{8}\n")
                .contains("    PFS ID  Mode    Snaps  Mounted on\n"
                        + "         0  MASTER      0  not mounted\n"
                        + "         1  MASTER      0  /mnt/test\n"
                        + "         2  SLAVE       0  not mounted\n");
        assertThat(mounted.stdout()).isEqualTo(named.stdout());
    }

    @Test
    void synctidPrintsTheSyncEndTidOfMastersAndSlaves() {
        ok("newfs", "disk1");
        ok("pfs-master", "disk1/pfs/test");
        ok("pfs-slave", "disk1/pfs/slave");

        String master = ok("synctid", "disk1/pfs/test").stdout();
        String quick = ok("synctid", "disk1/pfs/test", "quick").stdout();

        assertThat(master).matches("^0x[0-9a-f]{16}\n$").isEqualTo(quick);
        assertThat(ok("synctid", "disk1/pfs/slave").stdout()).isEqualTo("0x0000000000000001\n");
        CliResult bad = hammer.run("synctid", "disk1", "slow");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).startsWith("hammer: synctid disk1: unexpected argument 'slow'");
    }
}
