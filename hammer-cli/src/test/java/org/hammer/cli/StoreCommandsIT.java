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
                .containsPattern("    fs-uuid=[0-9a-f-]{36}\n").contains("    format=3\n", "    max-size=67108864\n");
        assertThat(tmp.resolve("disk1/hammer-store")).isRegularFile();
        assertThat(ok("pfs-status", "disk1").stdout()).contains("label=\"DATA\"", "operating as a MASTER");
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
                .contains("    Label               DATA\n", "    Format version      3\n")
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
