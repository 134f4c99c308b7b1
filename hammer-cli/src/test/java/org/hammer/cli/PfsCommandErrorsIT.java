package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every refusal and bad input of the store and PFS commands: one line on stderr naming the
 * command and the object, and the exit code of DESIGN.md §7. The shared store is never changed.
 */
class PfsCommandErrorsIT {

    // s/                 store, PFS #0
    // ├── file            a regular file
    // └── pfs/
    //     ├── test  -> @@PFS00001   master
    //     └── slave -> @@PFS00002   slave
    @TempDir
    static Path tmp;

    private static CliRunner hammer;

    @BeforeAll
    static void store() throws Exception {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        ok("newfs", "s");
        ok("pfs-master", "s/pfs/test");
        ok("pfs-slave", "s/pfs/slave");
        Files.createDirectories(tmp.resolve("empty"));
    }

    private static CliResult ok(String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private static void fails(int code, String stderr, String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
        assertThat(r.stderr()).as(r.toString()).isEqualTo(stderr + "\n");
        assertThat(r.stdout()).as(r.toString()).isEmpty();
    }

    @Test
    void newfsRefusesANonEmptyDirectory() {
        fails(3, "hammer: newfs " + tmp.resolve("s") + ": directory is not empty", "newfs", "s");
    }

    @Test
    void aPathOutsideAnyStoreIsNotFound() {
        fails(4, "hammer: pfs-status empty: not inside a hammer store or mount", "pfs-status", "empty");
        fails(4, "hammer: info empty: not inside a hammer store or mount", "info", "empty");
    }

    @Test
    void aStoreOfANewerFormatIsRefused() throws Exception {
        ok("newfs", "future");
        Path header = tmp.resolve("future/hammer-store");
        Files.writeString(header, Files.readString(header).replaceAll("format=\\d+", "format=99"));

        fails(3, "hammer: pfs-status future: " + tmp.resolve("future")
                + ": store format version 99 is newer than this hammer supports (4)", "pfs-status", "future");
    }

    @Test
    void creatingOverAnExistingPathIsRefused() {
        fails(3, "hammer: pfs-master s/pfs/test: Cannot create s/pfs/test, file exists!", "pfs-master", "s/pfs/test");
        fails(3, "hammer: pfs-slave s/pfs: Cannot create s/pfs, file exists!", "pfs-slave", "s/pfs");
    }

    @Test
    void creatingInsideAPfsOtherThanPfsZeroIsRefused() {
        fails(3, "hammer: pfs-master s/pfs/test/inner: " + PfsCreation.NOT_FROM_A_PFS, "pfs-master",
                "s/pfs/test/inner");
    }

    @Test
    void malformedCreationOptionsAreRejectedBeforeAnythingIsCreated() {
        fails(2, "hammer: pfs-slave s/pfs/new: option shared-uuid: error parsing uuid x", "pfs-slave", "s/pfs/new",
                "shared-uuid=x");
        fails(4, "hammer: pfs-status s/pfs/new: no such file or directory", "pfs-status", "s/pfs/new");
    }

    /** The other malformed values are checked in-process by {@code PfsUpdateCommandTest}. */
    @Test
    void malformedUpdatesAreUsageErrors() {
        String p = "hammer: pfs-update s/pfs/test: ";
        fails(2, p + "option sync-beg-tid: invalid TID 'xyz', expected hexadecimal",
                "pfs-update", "s/pfs/test", "sync-beg-tid=xyz");
        fails(2, p + "option label: malformed string", "pfs-update", "s/pfs/test", "label=\"open");
        fails(2, p + "option prune-min=3w: illegal time spec, use Nd or [Nd/]hh[:mm[:ss]]",
                "pfs-update", "s/pfs/test", "prune-min=3w");
        fails(2, p + "invalid option: colour", "pfs-update", "s/pfs/test", "colour=red");
        fails(2, p + "option label requires an assignment", "pfs-update", "s/pfs/test", "label=ok", "label");

        assertThat(ok("pfs-status", "s/pfs/test").stdout()).as("nothing was applied").contains("label=\"\"");
    }

    @Test
    void upgradeAndDowngradeRefusePfsZeroAndNoOps() {
        fails(3, "hammer: pfs-upgrade s: You cannot upgrade PFS#0 (It should already be a master)",
                "pfs-upgrade", "s");
        fails(3, "hammer: pfs-downgrade s: You cannot downgrade PFS#0", "pfs-downgrade", "s");
        fails(3, "hammer: pfs-upgrade s/pfs/test: PFS#1: It is already a master", "pfs-upgrade", "s/pfs/test");
        fails(3, "hammer: pfs-downgrade s/pfs/slave: PFS#2: It is already a slave", "pfs-downgrade", "s/pfs/slave");
    }

    @Test
    void destroyRefusesPfsZeroAndAsksForATerminal() {
        fails(3, "hammer: pfs-destroy s: You cannot destroy PFS#0", "pfs-destroy", "-y", "s");
        fails(3, "hammer: pfs-destroy s/pfs/test: no terminal to confirm on; use -y to destroy PFS#1 without asking",
                "pfs-destroy", "s/pfs/test");
    }

    /** The first line of stderr, which must be the only one, starts with {@code prefix}. */
    private static void failsWith(int code, String prefix, String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(code);
        assertThat(r.stderr()).as(r.toString()).startsWith(prefix).endsWith("\n").hasLineCount(1);
        assertThat(r.stdout()).as(r.toString()).isEmpty();
    }

    @Test
    void malformedAsOfTidsAreUsageErrorsWhereverAPathIsAccepted() {
        String[] bads = {"test@@0xZZ", "test@@0x", "test@@0x1:abc", "test@@-2", "test@@0x1",
            "test@@0x0000000000000000", "test@@0x0000000100000001:1", "test@@-1:0000a"};
        String local = tmp.resolve("empty").toString();
        // Every malformed form through one command, then every command with a form each (19 runs):
        // the commands share one parser, which the whole cross product (104 runs) would only repeat.
        for (String bad : bads) {
            failsWith(2, "hammer: pfs-status s/pfs/" + bad + ": invalid TID: ", "pfs-status", "s/pfs/" + bad);
        }
        List<Consumer<String>> commands = List.of(
                bad -> failsWith(2, "hammer: pfs-update s/pfs/" + bad + ": invalid TID: ",
                        "pfs-update", "s/pfs/" + bad, "label=x"),
                bad -> failsWith(2, "hammer: pfs-upgrade s/pfs/" + bad + ": invalid TID: ", "pfs-upgrade", "s/pfs/" + bad),
                bad -> failsWith(2, "hammer: synctid s/pfs/" + bad + ": invalid TID: ", "synctid", "s/pfs/" + bad),
                bad -> failsWith(2, "hammer: history s/pfs/" + bad + "/f: invalid TID: ", "history", "s/pfs/" + bad + "/f"),
                bad -> failsWith(2, "hammer: history s/file@@" + bad.substring(6) + ": invalid TID: ",
                        "history", "s/file@@" + bad.substring(6)),
                bad -> failsWith(2, "hammer: cpdup s/pfs/" + bad + ": invalid TID: ",
                        "cpdup", "s/pfs/" + bad, local + "/out"),
                bad -> failsWith(2, "hammer: cpdup s/pfs/" + bad + ": invalid TID: ", "cpdup", local, "s/pfs/" + bad),
                bad -> failsWith(2, "hammer: mirror-read s/pfs/" + bad + ": invalid TID: ", "mirror-read", "s/pfs/" + bad),
                bad -> failsWith(2, "hammer: mirror-copy s/pfs/" + bad + ": invalid TID: ",
                        "mirror-copy", "s/pfs/" + bad, "s/pfs/slave"),
                bad -> failsWith(2, "hammer: mirror-copy s/pfs/slave@@" + bad.substring(6) + ": invalid TID: ",
                        "mirror-copy", "s/pfs/test", "s/pfs/slave@@" + bad.substring(6)),
                bad -> failsWith(2, "hammer: mount s/pfs/" + bad + ": invalid TID: ", "mount", "s/pfs/" + bad, local));
        for (int i = 0; i < commands.size(); i++) {
            commands.get(i).accept(bads[i % bads.length]);
        }
        assertThat(ok("pfs-status", "s/pfs/test").stdout()).as("nothing was changed").contains("label=\"\"");
    }

    @Test
    void pfsNamesWithAtAtAreRefused() {
        for (String name : new String[] {"x@@y", "x@@-1", "@@PFS00009", "x@@0x0000000100000001"}) {
            failsWith(2, "hammer: pfs-master s/pfs/" + name + ": ", "pfs-master", "s/pfs/" + name);
            failsWith(2, "hammer: pfs-slave s/pfs/" + name + ": ", "pfs-slave", "s/pfs/" + name);
        }
        fails(4, "hammer: pfs-status s/pfs/x: no such file or directory", "pfs-status", "s/pfs/x");
        assertThat(ok("info", "s").stdout()).as("no PFS was made").doesNotContainPattern("(?m)^ +3 +(MASTER|SLAVE)");
    }

    @Test
    void aNilSharedUuidIsRefused() {
        String nil = "00000000-0000-0000-0000-000000000000";
        fails(2, "hammer: pfs-slave s/pfs/nil: option shared-uuid: the nil uuid " + nil + " pairs with nothing",
                "pfs-slave", "s/pfs/nil", "shared-uuid=" + nil);
        fails(2, "hammer: pfs-update s/pfs/slave: option shared-uuid: the nil uuid " + nil + " pairs with nothing",
                "pfs-update", "s/pfs/slave", "shared-uuid=" + nil);
        fails(4, "hammer: pfs-status s/pfs/nil: no such file or directory", "pfs-status", "s/pfs/nil");
    }

    @Test
    void aMissingPfsIsNotFound() {
        fails(4, "hammer: pfs-status s/pfs/none: no such file or directory", "pfs-status", "s/pfs/none");
        fails(4, "hammer: pfs-update s/pfs/none: no such file or directory", "pfs-update", "s/pfs/none", "label=x");
        fails(4, "hammer: synctid s/@@-1:00009: PFS#9: no such PFS", "synctid", "s/@@-1:00009");
    }
}
