package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.ResumeCursor;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pfs-master, pfs-slave, pfs-status, pfs-update, pfs-upgrade, pfs-downgrade and pfs-destroy, run for real. */
class PfsCommandsIT {

    private static final Pattern SHARED = Pattern.compile("shared-uuid=([0-9a-f-]{36})");
    private static final Pattern UNIQUE = Pattern.compile("unique-uuid=([0-9a-f-]{36})");

    @TempDir
    Path tmp;

    private CliRunner hammer;

    @BeforeEach
    void newStore() {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        ok("newfs", "-L", "DATA", "s");
    }

    private CliResult ok(String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return m.group(1);
    }

    /** The text of the symlink {@code names...} in PFS #0 of the store {@code s}, or null if absent. */
    private String link(String... names) {
        try (Store store = Store.open(tmp.resolve("s"))) {
            return store.read(r -> {
                FsReader fs = Pfses.reader(r, 0);
                long ino = FsReader.ROOT;
                for (int i = 0; i < names.length && ino != 0; i++) {
                    ino = fs.find(ino, names[i]);
                }
                return ino == 0 ? null : fs.readlink(ino);
            });
        }
    }

    // s/                 store, PFS #0
    // └── pfs/
    //     ├── test   -> @@PFS00001   master, label "my data"
    //     └── slave  -> @@PFS00002   slave, shared-uuid of test
    @Test
    void masterAndSlaveAreCreatedPairedAndLinkedFromPfsZero() {
        CliResult master = ok("pfs-master", "s/pfs/test", "label=\"my data\"");
        String shared = group(SHARED, master.stdout());
        CliResult slave = ok("pfs-slave", "s/pfs/slave", "shared-uuid=" + shared);

        assertThat(master.stdout()).startsWith("Creating PFS#1 succeeded!\ns/pfs/test\n")
                .contains("    sync-beg-tid=0x0000000000000001\n", "    label=\"my data\"\n",
                        "    prune-min=00:00:00\n", "    operating as a MASTER\n")
                .containsPattern("    sync-end-tid=0x00000001[0-9a-f]{8}\n");
        assertThat(slave.stdout()).startsWith("Creating PFS#2 succeeded!\ns/pfs/slave\n")
                .contains("    sync-end-tid=0x0000000000000001\n", "    shared-uuid=" + shared + "\n",
                        "    operating as a SLAVE\n");
        assertThat(group(UNIQUE, slave.stdout())).isNotEqualTo(group(UNIQUE, master.stdout()));
        assertThat(link("pfs", "test")).isEqualTo("@@PFS00001");
        assertThat(link("pfs", "slave")).isEqualTo("@@PFS00002");

        setCursor(2, new ResumeCursor(0x100000005L, new RecordKey(1, 1, RecordType.INODE, 0, 0x100000005L)));
        CliResult status = ok("pfs-status", "s/pfs/test", "s/pfs/slave");
        assertThat(status.stdout())
                .startsWith("s/pfs/test\tPFS#1 {\n    sync-beg-tid=0x0000000000000001\n")
                .contains("}\ns/pfs/slave\tPFS#2 {\n", "    resume-cursor=0x0000000100000005\n")
                .containsPattern("\n    lag=[1-9][0-9]* changes? behind master PFS#1, oldest [0-9]+s ago\n}\n$");
    }

    /** What an interrupted mirror-write leaves in a slave's record. */
    private void setCursor(int pfs, ResumeCursor cursor) {
        try (Store store = Store.open(tmp.resolve("s"))) {
            store.apply(w -> {
                PfsTable.put(w, PfsTable.get(w, pfs).withCursor(cursor));
                return null;
            });
        }
    }

    @Test
    void missingParentsAreMadeInPfsZeroAndStatusDefaultsToTheCurrentDirectory() {
        ok("pfs-master", "s/a/b/c");

        assertThat(link("a", "b", "c")).isEqualTo("@@PFS00001");
        CliResult here = hammer.withWorkDir(tmp.resolve("s")).run("pfs-status");
        assertThat(here.exitCode()).as(here.toString()).isZero();
        assertThat(here.stdout()).startsWith(".\tPFS#0 {\n").contains("label=\"DATA\"");
        assertThat(ok("pfs-status", "s/a/b/c").stdout()).startsWith("s/a/b/c\tPFS#1 {");
    }

    @Test
    void updateSetsEveryKeyInOrder() {
        ok("pfs-slave", "s/pfs/slave");
        String shared = "9043570e-b3d9-11de-9bef-011617202aa6";
        String unique = "9043574c-b3d9-11de-9bef-011617202aa6";

        CliResult update = ok("pfs-update", "s/pfs/slave", "sync-beg-tid=0x100000000", "sync-end-tid=100000020",
                "shared-uuid=" + shared, "unique-uuid=" + unique, "label=\"backup of test\"",
                "snapshots=/var/hammer/slave", "prune-min=1d/02:03:04");

        assertThat(update.stdout()).isEqualTo("s/pfs/slave\n"
                + "    sync-beg-tid=0x0000000100000000\n"
                + "    sync-end-tid=0x0000000100000020\n"
                + "    shared-uuid=" + shared + "\n"
                + "    unique-uuid=" + unique + "\n"
                + "    label=\"backup of test\"\n"
                + "    snapshots=\"/var/hammer/slave\"\n"
                + "    prune-min=1d/02:03:04\n"
                + "    operating as a SLAVE\n");
        CliResult cleared = ok("pfs-update", "s/pfs/slave", "snapshots-clear", "prune-min=7d");
        assertThat(cleared.stdout()).doesNotContain("snapshots=\"").contains("    prune-min=7d\n",
                "    label=\"backup of test\"\n", "    snapshots directory not set for slave\n");
    }

    @Test
    void downgradeUpgradeAndDestroyRoundTrip() {
        ok("pfs-master", "s/pfs/test", "label=t");

        assertThat(ok("pfs-downgrade", "s/pfs/test").stdout()).isEqualTo("pfs-downgrade of PFS#1 (t) succeeded\n");
        assertThat(ok("pfs-status", "s/pfs/test").stdout()).contains("operating as a SLAVE");
        assertThat(ok("pfs-upgrade", "s/pfs/test").stdout()).isEqualTo("pfs-upgrade of PFS#1 (t) succeeded\n");
        // hammer(8) style: the option before the command.
        CliResult destroy = ok("-y", "pfs-destroy", "s/pfs/test");

        assertThat(destroy.stdout()).isEqualTo("Destroying PFS#1 (t)\npfs-destroy of PFS#1 succeeded!\n");
        assertThat(link("pfs", "test")).isNull();
        assertThat(hammer.run("pfs-status", "s/pfs/test").exitCode()).isEqualTo(4);
        assertThat(ok("pfs-master", "s/pfs/again").stdout()).as("ids are reused").startsWith("Creating PFS#1 ");
    }

    @Test
    void destroyAsksOnTheTerminalTwiceForAMaster() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "needs script(1) for a terminal");
        ok("pfs-master", "s/pfs/test", "label=t");
        String command = hammer.launcher() + " pfs-destroy s/pfs/test";

        CliResult declined = run(script, command, "yes\nno\n");
        CliResult agreed = run(script, command, "y\nYES\n");

        assertThat(declined.stdout()).contains("You have requested that PFS#1 (t) be destroyed",
                "This will irrevocably destroy all data on this PFS!!!!!", "Do you really want to do this? ",
                "This PFS is currently setup as a MASTER!", "Are you absolutely sure you want to destroy it? ",
                "hammer: pfs-destroy s/pfs/test: No action taken on PFS#1");
        assertThat(declined.exitCode()).isEqualTo(1);
        assertThat(agreed.stdout()).contains("pfs-destroy of PFS#1 succeeded!");
        assertThat(agreed.exitCode()).as(agreed.toString()).isZero();
    }

    /** Runs {@code command} under script(1), so that it has a terminal, typing {@code input}. */
    private CliResult run(Path script, String command, String input) throws Exception {
        ProcessBuilder b = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null")
                .directory(tmp.toFile()).redirectErrorStream(true);
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Process p = b.start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n");
        return new CliResult(p.waitFor(), out, "");
    }
}
