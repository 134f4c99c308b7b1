package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * STORE/pfs/test (master)
 *   file   "one\n", then "two\n", then "three\n"
 */
class HistoryIT {
    @TempDir
    Path tmp;
    CliRunner hammer;
    Path store;
    String file;

    @BeforeEach
    void store() {
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        store = tmp.resolve("store");
        ok(hammer.run("newfs", store.toString()));
        ok(hammer.run("pfs-master", store.resolve("pfs/test").toString()));
        file = store.resolve("pfs/test/file").toString();
        for (String v : new String[] {"one\n", "two\n", "three\n"}) {
            write(tmp.resolve("store/pfs/test"), "file", v);
        }
    }

    static CliResult ok(CliResult r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    /** Writes a file through the core API (no other process has the store open). */
    static void write(Path dir, String name, String content) {
        try (PfsPath p = PfsPath.resolve(dir.toString())) {
            p.store().write(w -> {
                FsWriter f = Pfses.writer(w, p.pfs());
                long ino = f.find(p.ino(), name);
                ino = ino != 0 ? ino : f.mknod(p.ino(), name, 0644, 0, 0, 0);
                byte[] d = content.getBytes(StandardCharsets.UTF_8);
                f.truncate(ino, 0);
                f.write(ino, 0, d, 0, d.length);
                return null;
            });
        }
    }

    static void unlink(Path dir, String name) {
        try (PfsPath p = PfsPath.resolve(dir.toString())) {
            p.store().write(w -> {
                Pfses.writer(w, p.pfs()).unlink(p.ino(), name);
                return null;
            });
        }
    }

    @Test
    void historyPrintsEveryVersionInHammersFormat() {
        String out = ok(hammer.run("history", file)).stdout();
        assertThat(out).matches(Pattern.quote(file) + "\t[0-9a-f]{16} clean \\{\n"
                + "(    0x[0-9a-f]{16} \\d\\d-[A-Z][a-z]{2}-\\d{4} \\d\\d:\\d\\d:\\d\\d\n){3}}\n");
    }

    @Test
    void undoPrintsThePreviousVersionOrAnyByTid() throws Exception {
        assertThat(ok(hammer.run("undo", file)).stdout()).isEqualTo("two\n");
        String first = firstTid(ok(hammer.run("history", file)).stdout());
        assertThat(ok(hammer.run("undo", "-t", first, file)).stdout()).isEqualTo("one\n");
        Path out = tmp.resolve("out");
        ok(hammer.run("undo", "-o", out.toString(), "-t", first, file));
        assertThat(Files.readString(out)).isEqualTo("one\n");
        String all = ok(hammer.run("undo", "-a", file)).stdout();
        assertThat(all).contains("one\n", "two\n", "three\n").contains(">>> " + file + " 0x");
        ok(hammer.run("undo", "-a", "-o", out.toString(), file));
        assertThat(Files.readString(Path.of(out + "." + first))).isEqualTo("one\n");
    }

    @Test
    void undoDiffsAgainstTheCurrentVersion() {
        String d = ok(hammer.run("undo", "-d", file)).stdout();
        assertThat(d).contains("--- " + file + "@@0x", "+++ " + file, "-two", "+three");
    }

    @Test
    void undoRecoversADeletedFile() {
        String history = ok(hammer.run("history", file)).stdout();
        unlink(store.resolve("pfs/test"), "file");
        assertThat(ok(hammer.run("undo", file)).stdout()).isEqualTo("three\n");
        assertThat(ok(hammer.run("undo", file + "@@" + firstTid(history))).stdout()).isEqualTo("one\n");
        assertThat(ok(hammer.run("history", file)).stdout()).isEqualTo(history);
        CliResult gone = hammer.run("undo", store.resolve("pfs/test/never").toString());
        assertThat(gone.exitCode()).isEqualTo(4);
        assertThat(gone.stderr()).startsWith("hammer: undo ");
    }

    @Test
    void undoOfAFileWithOneVersionSaysSo() {
        write(store.resolve("pfs/test"), "single", "x");
        CliResult r = hammer.run("undo", store.resolve("pfs/test/single").toString());
        assertThat(r.exitCode()).isEqualTo(4);
        assertThat(r.stderr()).contains("no previous version");
    }

    static String firstTid(String history) {
        Matcher m = Pattern.compile("    (0x[0-9a-f]{16}) ").matcher(history);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

}
