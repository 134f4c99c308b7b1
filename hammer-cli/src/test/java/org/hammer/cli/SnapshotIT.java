package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.HistoryIT.ok;
import static org.hammer.cli.HistoryIT.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * STORE/pfs/test (master): file "old", snapshot, then "new"
 * snaps/                   a plain directory for snapshot links
 */
class SnapshotIT {
    private static final Pattern LINK_TID = Pattern.compile("@@(0x[0-9a-f]{16})");

    @TempDir
    Path tmp;
    CliRunner hammer;
    Path pfs;
    Path snaps;

    @BeforeEach
    void store() throws Exception {
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString()).withEnv("TZ", "UTC");
        Path store = tmp.resolve("store");
        ok(hammer.run("newfs", store.toString()));
        pfs = store.resolve("pfs/test");
        ok(hammer.run("pfs-master", pfs.toString()));
        write(pfs, "file", "old");
        snaps = Files.createDirectory(tmp.resolve("snaps"));
    }

    static String tidOf(String linkText) {
        Matcher m = LINK_TID.matcher(linkText);
        assertThat(m.find()).as(linkText).isTrue();
        return m.group(1);
    }

    @Test
    void snapshotLinksAPlainDirectoryToTheRetainedState() throws Exception {
        String link = ok(hammer.run("snapshot", pfs.toString(), snaps.toString(), "before the change")).stdout().strip();
        write(pfs, "file", "new");
        assertThat(Path.of(link).getParent()).isEqualTo(snaps);
        assertThat(Path.of(link).getFileName().toString()).matches("snap-\\d{8}-\\d{4}");
        String target = Files.readSymbolicLink(Path.of(link)).toString();
        assertThat(target).isEqualTo(pfs + "/@@" + tidOf(target));
        assertThat(ok(hammer.run("undo", target + "/file")).stdout()).isEqualTo("old");
        assertThat(ok(hammer.run("undo", pfs + "@@" + tidOf(target) + "/file")).stdout()).isEqualTo("old");

        String ls = ok(hammer.run("snapls", pfs.toString())).stdout();
        assertThat(ls).matches("Snapshots on " + Pattern.quote(pfs.toString()) + "\tPFS #1\n"
                + "Transaction ID\t\tTimestamp\t\tNote\n"
                + tidOf(target) + "\t\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\tbefore the change\n");
    }

    @Test
    void aFormatNamesTheLinkAndSnapInsideTheStoreLinksThere() throws Exception {
        String link = ok(hammer.run("snapshot", pfs.toString(), snaps + "/at-%Y")).stdout().strip();
        assertThat(Path.of(link).getFileName().toString()).matches("at-\\d{4}");
        String inStore = ok(hammer.run("snap", pfs.toString())).stdout().strip();
        assertThat(inStore).startsWith(pfs + "/snap-");
        String ls = ok(hammer.run("snapls", pfs.toString())).stdout();
        assertThat(ls.lines().filter(l -> l.startsWith("0x"))).hasSize(2).allMatch(l -> l.endsWith("\t-"));
    }

    @Test
    void snaprmRemovesByLinkAndByTid() throws Exception {
        String a = ok(hammer.run("snapshot", pfs.toString(), snaps + "/a")).stdout().strip();
        write(pfs, "file", "new");
        String b = ok(hammer.run("snap", pfs + "/b", "second")).stdout().strip();
        String tidB = ok(hammer.run("snapls", pfs.toString())).stdout().lines()
                .filter(l -> l.endsWith("second")).findFirst().orElseThrow().split("\t")[0];

        ok(hammer.run("snaprm", a));
        assertThat(Files.exists(Path.of(a), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
        ok(hammer.run("snaprm", pfs.toString(), tidB));
        String ls = ok(hammer.run("snapls", pfs.toString())).stdout();
        assertThat(ls.lines().filter(l -> l.startsWith("0x"))).isEmpty();
        CliResult again = hammer.run("snaprm", pfs.toString(), tidB);
        assertThat(again.exitCode()).isEqualTo(4);
        assertThat(again.stderr()).contains("no snapshot in PFS#1");
        assertThat(b).isEqualTo(pfs + "/b");
    }

    @Test
    void cpdupCopiesASnapshotOutAsItWas() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/sub"));
        Files.writeString(src.resolve("a"), "first");
        ok(hammer.run("cpdup", "-q", tmp.resolve("src").toString(), pfs.toString()));
        String link = ok(hammer.run("snapshot", pfs.toString(), snaps.toString())).stdout().strip();
        Files.writeString(src.resolve("a"), "second");
        Files.writeString(src.resolve("b"), "new");
        ok(hammer.run("cpdup", "-q", tmp.resolve("src").toString(), pfs.toString()));

        String target = Files.readSymbolicLink(Path.of(link)).toString();
        Path out1 = tmp.resolve("out1");
        Path out2 = tmp.resolve("out2");
        ok(hammer.run("cpdup", "-q", pfs + "@@" + tidOf(target), out1.toString()));
        ok(hammer.run("cpdup", "-q", target, out2.toString()));
        for (Path out : new Path[] {out1, out2}) {
            assertThat(Files.readString(out.resolve("sub/a"))).isEqualTo("first");
            assertThat(out.resolve("sub/b")).doesNotExist();
            assertThat(out.resolve("file")).as("removed by the first cpdup").doesNotExist();
        }
    }
}
