package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.HistoryIT.ok;
import static org.hammer.cli.HistoryIT.write;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * STORE/pfs/test (master): file rewritten v0..v4, snapshot, rewritten v5..v9, snapshot, v10
 */
class PruneIT {
    @TempDir
    Path tmp;
    CliRunner hammer;
    Path pfs;

    @BeforeEach
    void store() {
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Path store = tmp.resolve("store");
        ok(hammer.run("newfs", store.toString()));
        pfs = store.resolve("pfs/test");
        ok(hammer.run("pfs-master", pfs.toString()));
    }

    void churn(int from, int to) {
        for (int i = from; i < to; i++) {
            write(pfs, "file", "v" + i);
        }
    }

    @Test
    void pruneKeepsSnapshotsAndPrintsHammersLines() {
        churn(0, 5);
        ok(hammer.run("snap", pfs + "/s1"));
        churn(5, 10);
        ok(hammer.run("snap", pfs + "/s2"));
        churn(10, 11);
        String out = ok(hammer.run("prune", pfs.toString())).stdout();
        String p = Pattern.quote(pfs.toString());
        assertThat(out).matches("Prune " + p + ": 2 snapshots\n"
                + "Prune " + p + ": prune_min is 0d/00:00:00\n"
                + "(TID 0x[0-9a-f]{16} - 0x[0-9a-f]{16}\n){2}"
                + "Prune " + p + " succeeded\n"
                + "Pruned [1-9]\\d*/\\d+ records \\(\\d+ directory entries\\) and \\d+ bytes\n");
        String s1 = ok(hammer.run("snapls", pfs.toString())).stdout().lines().filter(l -> l.startsWith("0x"))
                .findFirst().orElseThrow().split("\t")[0];
        assertThat(ok(hammer.run("undo", pfs + "@@" + s1 + "/file")).stdout()).isEqualTo("v4");
        assertThat(ok(hammer.run("undo", pfs + "/file")).stdout()).isEqualTo("v9");
        assertThat(ok(hammer.run("pfs-status", pfs.toString())).stdout()).doesNotContain("sync-beg-tid=0x0000000000000001");

        String all = ok(hammer.run("prune-everything", pfs.toString())).stdout();
        assertThat(all).startsWith("Prune " + pfs + ": EVERYTHING\n").contains("succeeded\nPruned ");
        assertThat(hammer.run("undo", pfs + "/file").stderr()).contains("no previous version");
    }

    @Test
    void configShowsDefaultsTakesAFileAndRefusesBadLines() throws Exception {
        String none = ok(hammer.run("config", pfs.toString())).stdout();
        assertThat(none).startsWith("# No configuration present").contains("#snapshots 1d 60d\n", "#prune     1d 5m\n");
        Path file = tmp.resolve("conf");
        Files.writeString(file, "snapshots 0d 60d\nprune 1d 5m\n");
        ok(hammer.run("config", pfs.toString(), file.toString()));
        assertThat(ok(hammer.run("config", pfs.toString())).stdout()).isEqualTo("snapshots 0d 60d\nprune 1d 5m\n");
        ok(hammer.run("snapshots 1d 1d\n".getBytes(StandardCharsets.UTF_8), "config", pfs.toString(), "-"));
        assertThat(ok(hammer.run("config", pfs.toString())).stdout()).isEqualTo("snapshots 1d 1d\n");

        Files.writeString(file, "prune 1q\n");
        CliResult bad = hammer.run("config", pfs.toString(), file.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).startsWith("hammer: config line 1: invalid duration '1q'");

        Path editor = tmp.resolve("editor.sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's/1d 1d/2d 30d/' \"$1\"\n");
        editor.toFile().setExecutable(true);
        ok(hammer.withEnv("EDITOR", editor.toString()).run("viconfig", pfs.toString()));
        assertThat(ok(hammer.run("config", pfs.toString())).stdout()).isEqualTo("snapshots 2d 30d\n");
    }

    @Test
    void cleanupLaysDownDefaultsSnapshotsAndPrunes() {
        churn(0, 3);
        String out = ok(hammer.run("cleanup", pfs.toString())).stdout();
        assertThat(out).startsWith("cleanup " + pfs).contains(" - handle PFS #1\n", "    creating default config\n")
                .containsPattern("\n {11}snapshots - run, took 0x[0-9a-f]{16}\n")
                .contains("\n               prune - run\n", "Prune " + pfs + ": 1 snapshots\n",
                        "\n           rebalance - not applicable\n", "\n               dedup - disabled\n",
                        "\n              recopy - not applicable\n");
        String again = ok(hammer.run("cleanup", pfs.toString())).stdout();
        assertThat(again).contains("           snapshots - skip\n", "               prune - skip\n");
        assertThat(ok(hammer.run("snapls", pfs.toString())).stdout()).contains("\tcleanup\n");
    }
}
