package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.HistoryIT.ok;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress line of long commands, seen through a pseudo-terminal: {@code script(1)} runs the
 * real launcher with a pty as its standard output and error, and what it prints is what the
 * terminal got, carriage returns and erase sequences included.
 *
 * <pre>
 * tree/f0 .. f299     random files, 16 KiB each (then more, before each further copy)
 * store/pfs/master    cpdup'd from tree
 * store/pfs/slave     mirror-copy -y of it
 * store/pfs/oneway    mirror-read | mirror-write -y of it
 * </pre>
 */
class ProgressLineIT {
    private static final String REDRAW = "\033[K";

    @TempDir
    Path tmp;
    CliRunner hammer;
    Path tree;
    Path store;
    int files;

    @BeforeEach
    void setUp() throws IOException {
        hammer = CliRunner.create().withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        tree = Files.createDirectories(tmp.resolve("tree"));
        store = tmp.resolve("store");
        ok(hammer.run("newfs", store.toString()));
        ok(hammer.run("pfs-master", store + "/pfs/master"));
    }

    private void addFiles(int n) throws IOException {
        Random r = new Random(files);
        byte[] data = new byte[16 << 10];
        for (int i = 0; i < n; i++, files++) {
            r.nextBytes(data);
            Files.write(tree.resolve("f" + files), data);
        }
    }

    /** What a terminal shows of {@code shell} run by {@code script -qfc}; its exit code must be 0. */
    private String onTerminal(String shell) throws Exception {
        Path out = tmp.resolve("typescript");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", shell, "/dev/null")
                .redirectOutput(out.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(shell).isTrue();
        String shown = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(shell + "\n" + shown).isZero();
        return shown;
    }

    private String hammer(String args) {
        return hammer.launcher() + " " + args;
    }

    @Test
    void cpdupAndMirrorCopyRedrawAProgressLineOnATerminalOnly() throws Exception {
        addFiles(300);
        String cpdup = onTerminal(hammer("cpdup " + tree + " " + store + "/pfs/master"));
        assertThat(cpdup).contains("\rcpdup: ", " copied (", "MB/s" + REDRAW).contains("\r" + REDRAW)
                .contains("cpdup: 301 checked, 300 copied");

        String copy = onTerminal(hammer("mirror-copy -y " + store + "/pfs/master " + store + "/pfs/slave"));
        assertThat(copy).containsPattern("\rmirror-copy: \\d+% \\d+ of \\d+ records, [^\r]*MB/s, ETA \\d+:\\d\\d"
                + "\033\\[K").contains("Mirror-copy " + store + "/pfs/master to " + store + "/pfs/slave succeeded");
        // The summary starts on a clean line: the progress line was erased first.
        assertThat(copy).contains("\r" + REDRAW + "Mirror-copy ");

        addFiles(50);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        CliResult piped = ok(hammer.run("mirror-copy", store + "/pfs/master", store + "/pfs/slave"));
        assertThat(piped.stderr()).doesNotContain("\r", REDRAW, "mirror-copy:").contains("succeeded: 1 batches");
        assertThat(ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master")).stdout())
                .doesNotContain("\r");
    }

    @Test
    void quietShowsNoLineAndVerboseKeepsItsBatchLines() throws Exception {
        addFiles(100);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        String quiet = onTerminal(hammer("mirror-copy -q -y " + store + "/pfs/master " + store + "/pfs/slave"));
        assertThat(quiet).doesNotContain("mirror-copy:", REDRAW);
        assertThat(onTerminal(hammer("cpdup -q " + tree + " " + store + "/pfs/master"))).doesNotContain("cpdup:");

        addFiles(100);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        String verbose = onTerminal(hammer("-v mirror-copy " + store + "/pfs/master " + store + "/pfs/slave"));
        assertThat(verbose).contains("\rmirror-copy: ").containsPattern("\r\033\\[KMirror-read "
                + java.util.regex.Pattern.quote(store + "/pfs/master") + ": batch 0x[0-9a-f]{16}\\.\\.0x[0-9a-f]{16}: \\d+ records");
    }

    @Test
    void oneWayMirrorWriteShowsItsLineAndTellsTheSourceWhereToResume() throws Exception {
        addFiles(200);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        String shown = onTerminal(hammer("-q mirror-read " + store + "/pfs/master") + " | "
                + hammer("-y mirror-write " + store + "/pfs/oneway"));
        assertThat(shown).containsPattern("\rmirror-write: \\d+% \\d+ of \\d+ records")
                .containsPattern("Source can update synctid to 0x[0-9a-f]{16}");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("sync-end-tid=(0x[0-9a-f]{16})")
                .matcher(ok(hammer.run("pfs-status", store + "/pfs/oneway")).stdout());
        assertThat(m.find()).isTrue();
        String synced = m.group(1);
        assertThat(shown).contains("\r" + REDRAW + "Source can update synctid to " + synced + "\r\n");

        addFiles(20);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        Process p = new ProcessBuilder("bash", "-c", hammer("mirror-read " + store + "/pfs/master " + synced) + " | "
                + hammer("mirror-write " + store + "/pfs/oneway")).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isZero();
        assertThat(Files.readString(out)).matches("Source can update synctid to 0x[0-9a-f]{16}\n")
                .isNotEqualTo("Source can update synctid to " + synced + "\n");
        assertThat(Files.readString(err)).doesNotContain("\r", "mirror-write:");
    }

    @Test
    void scrubRedrawsItsLineWithAShareAndTimeLeft() throws Exception {
        addFiles(100);
        ok(hammer.run("cpdup", tree.toString(), store + "/pfs/master"));
        String shown = onTerminal(hammer("scrub " + store));
        assertThat(shown).containsPattern("\rscrub: \\d+% [^\r]* entries, [^\r]*MB/s").contains("no damage found");
        assertThat(List.of(ok(hammer.run("scrub", store.toString())).stderr())).noneMatch(s -> s.contains("\r"));
    }
}
