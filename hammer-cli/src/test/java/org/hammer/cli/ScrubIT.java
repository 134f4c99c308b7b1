package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hammer scrub} run for real on a clean and a damaged store: exit codes, one line per
 * damaged object with its path, data.mdb untouched, and the progress line only on a terminal.
 */
class ScrubIT {
    private static final String MARK_A = "SCRUB-IT-MARK-A!";
    private static final String MARK_B = "SCRUB-IT-MARK-B!";

    @TempDir
    Path tmp;
    private CliRunner hammer;
    private Path store;

    // s/                          store, PFS #0
    // └── pfs/
    //     └── test -> @@PFS00001  master, from src/ by cpdup
    //         ├── a               8 KiB starting with MARK_A (an overflow value: one copy in data.mdb)
    //         ├── d/b             8 KiB starting with MARK_B
    //         └── big             3 MiB
    @BeforeEach
    void store() throws IOException {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Path src = Files.createDirectories(tmp.resolve("src/d"));
        Files.write(src.resolveSibling("a"), file(MARK_A, 8192));
        Files.write(src.resolve("b"), file(MARK_B, 8192));
        Files.write(src.resolveSibling("big"), file("", 3 << 20));
        ok("newfs", "s");
        ok("pfs-master", "s/pfs/test");
        ok("cpdup", "-q", "src", "s/pfs/test");
        store = tmp.resolve("s");
    }

    private static byte[] file(String mark, int size) {
        byte[] b = new byte[size];
        new Random(size + mark.hashCode()).nextBytes(b);
        byte[] m = mark.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(m, 0, b, 0, m.length);
        return b;
    }

    private CliResult ok(String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private String dataHash() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(Files.readAllBytes(store.resolve("data.mdb"))));
    }

    /** Flips a byte of the one copy of {@code mark} in data.mdb: its record's data no longer matches its CRC. */
    private void damage(String mark) throws IOException {
        byte[] all = Files.readAllBytes(store.resolve("data.mdb"));
        byte[] m = mark.getBytes(StandardCharsets.US_ASCII);
        int found = -1;
        for (int i = 0; i + m.length <= all.length; i++) {
            if (java.util.Arrays.equals(all, i, i + m.length, m, 0, m.length)) {
                assertThat(found).as("one copy of " + mark).isEqualTo(-1);
                found = i;
            }
        }
        assertThat(found).as(mark + " in data.mdb").isNotNegative();
        try (RandomAccessFile f = new RandomAccessFile(store.resolve("data.mdb").toFile(), "rw")) {
            f.seek(found + 4);
            f.write(all[found + 4] ^ 0x20);
        }
    }

    @Test
    void cleanStoreExitsZeroWithCountsAndNoProgressOffATerminal() throws Exception {
        String before = dataHash();

        CliResult r = ok("scrub", "s");

        assertThat(r.stdout()).matches("(?s)scrub s: 2 PFSes, \\d+ records, \\d+ change entries, \\d+ meta entries: "
                + "\\d+ bytes in [0-9.]+ s \\([0-9.]+ MB/s\\)\nscrub s: no damage found\n");
        assertThat(r.stderr()).as("no progress line when stderr is a pipe").isEmpty();
        assertThat(dataHash()).isEqualTo(before);
    }

    // s/pfs/test (master, mirrored, snapshotted, pruned), s/pfs/gone (destroyed)
    // b/pfs/s      (slave of s/pfs/test, upgraded, written, downgraded)
    @Test
    void storesThroughMirrorSnapshotPruneDestroyUpgradeAndDowngradeScrubClean() throws Exception {
        ok("pfs-master", "s/pfs/gone");
        ok("newfs", "b");
        ok("mirror-copy", "-y", "-q", "s/pfs/test", "b/pfs/s");
        Files.delete(tmp.resolve("src/d/b"));
        Files.writeString(tmp.resolve("src/c"), "new\n");
        ok("cpdup", "-q", "src", "s/pfs/test");
        ok("snapshot", "s/pfs/test", "snaps");
        ok("mirror-copy", "-q", "s/pfs/test", "b/pfs/s");
        ok("prune-everything", "s/pfs/test");
        ok("pfs-destroy", "-y", "s/pfs/gone");
        ok("pfs-upgrade", "b/pfs/s");
        ok("cpdup", "-q", "src", "b/pfs/s");
        ok("pfs-downgrade", "b/pfs/s");

        CliResult r = ok("scrub", "s", "b");

        assertThat(r.stdout()).contains("scrub s: no damage found\n", "scrub b: no damage found\n")
                .doesNotContain("damaged");
    }

    @Test
    void damagedStoreExitsFiveWithOneLinePerDamagedObjectAndItsPath() throws Exception {
        damage(MARK_A);
        damage(MARK_B);
        String before = dataHash();

        CliResult whole = hammer.run("scrub", "s");
        CliResult pfs = hammer.run("scrub", "-q", "s/pfs/test/d");

        assertThat(whole.exitCode()).as(whole.toString()).isEqualTo(5);
        String path = tmp.resolve("s/pfs/test") + "/";
        assertThat(whole.stdout().lines().filter(l -> l.startsWith("damaged "))).containsExactlyInAnyOrder(
                line(whole.stdout(), "a"), line(whole.stdout(), "d/b"));
        assertThat(line(whole.stdout(), "a")).matches("damaged PFS#1 obj 0x[0-9a-f]{16} DATA key 0x0{16} tid "
                + "0x[0-9a-f]{16} path " + path + "a: data checksum mismatch");
        assertThat(whole.stdout()).contains("scrub s: 2 PFSes, ").doesNotContain("no damage");
        assertThat(whole.stderr()).isEqualTo("hammer: scrub s: store damaged: 2 damaged objects found\n");
        assertThat(pfs.exitCode()).isEqualTo(5);
        assertThat(pfs.stdout().lines()).as("-q: the damaged objects alone").hasSize(2)
                .allMatch(l -> l.startsWith("damaged PFS#1 ") && l.contains(" path " + path));
        assertThat(dataHash()).isEqualTo(before);
    }

    private static String line(String out, String rel) {
        return out.lines().filter(l -> l.contains("/pfs/test/" + rel + ": ")).findFirst()
                .orElse("(none for " + rel + ")");
    }

    @Test
    void storeThatCannotBeOpenedExitsFiveWithTheOneLineOpenError() throws Exception {
        Path data = store.resolve("data.mdb");
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }

        CliResult r = hammer.run("scrub", "s");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr()).startsWith("hammer: scrub ").contains("store damaged: data.mdb truncated")
                .doesNotContain("\tat ").endsWith("\n").hasLineCount(1);
    }

    @Test
    void progressLineIsRedrawnOnATerminalAndNotWithQuiet() throws Exception {
        Path script = Path.of("/usr/bin/script");
        assumeTrue(Files.isExecutable(script), "needs script(1) for a terminal");

        String shown = onTerminal(script, hammer.launcher() + " scrub s");
        String quiet = onTerminal(script, hammer.launcher() + " scrub -q s");

        assertThat(shown).containsPattern("\rscrub: \\d+% [0-9.]+ [KMG]?i?B of [0-9.]+ [KMG]?i?B, \\d+ entries, "
                + "[0-9.]+ MB/s[^\r]*\033\\[K").contains("\r\033[K", "scrub s: no damage found");
        assertThat(quiet).doesNotContain("scrub: ", "\033[K");
    }

    /** Runs {@code command} under script(1), so that its standard error is a terminal; returns what it printed. */
    private String onTerminal(Path script, String command) throws Exception {
        ProcessBuilder b = new ProcessBuilder(script.toString(), "-qec", command, "/dev/null")
                .directory(tmp.toFile()).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(
                        Path.of("/dev/null").toFile()));
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Process p = b.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("script ended").isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }
}
