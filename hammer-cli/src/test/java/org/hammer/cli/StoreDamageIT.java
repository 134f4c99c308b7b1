package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged store, run for real: every command that opens it exits 5 with one line on stderr and
 * nothing on stdout (which may be a mirror stream), leaves no JVM error file behind and does not
 * change the file.
 * <pre>
 * disk/            store, PFS #0
 * └── pfs/m        master holding tree/ (a few files, one of 300 KB)
 * </pre>
 */
class StoreDamageIT {
    @TempDir
    Path tmp;

    private CliRunner hammer;
    private Path data;
    private byte[] whole;
    private long used;

    @BeforeEach
    void store() throws Exception {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
        Path tree = tmp.resolve("tree");
        Files.createDirectories(tree.resolve("sub"));
        byte[] big = new byte[300_000];
        new Random(5).nextBytes(big);
        Files.write(tree.resolve("big"), big);
        for (int i = 0; i < 20; i++) {
            Files.writeString(tree.resolve("sub/f" + i), "file " + i + "\n");
        }
        ok("newfs", "-L", "D", "disk");
        ok("pfs-master", "disk/pfs/m");
        ok("cpdup", "tree", "disk/pfs/m");
        data = tmp.resolve("disk/data.mdb");
        whole = Files.readAllBytes(data);
        String info = ok("info", "disk").stdout();
        used = Long.parseLong(info.replaceAll("(?s).*Used\\s+(\\d+) bytes.*", "$1"));
        assertThat(used).isLessThan(whole.length);
    }

    private CliResult ok(String... args) {
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private void expectDamaged(String... args) throws Exception {
        byte[] before = Files.readAllBytes(data);
        CliResult r = hammer.run(args);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(5);
        if (args[0].equals("mirror-read")) {
            // the stream had begun: it ends with an ERROR frame naming the damage, never with a JVM's text
            assertThat(r.stdout()).startsWith("HMR1").contains("store damaged").doesNotContain("#  SIG");
        } else {
            assertThat(r.stdout()).as(r.toString()).isEmpty();
        }
        assertThat(r.stderr().strip().lines().filter(l -> l.startsWith("hammer:"))).as(r.toString()).hasSize(1);
        assertThat(r.stderr()).as(r.toString()).doesNotContain("\tat ", "Exception");
        assertThat(r.stderr()).contains("hammer: ").contains("store damaged");
        assertThat(Files.readAllBytes(data)).as("data.mdb after %s", String.join(" ", args)).isEqualTo(before);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("hs_err"))).isEmpty();
        }
    }

    @Test
    void aTruncatedDataFileIsExit5AtTwentyOffsets() throws Exception {
        Random rnd = new Random(11);
        for (int i = 0; i < 20; i++) {
            int size = i == 0 ? 0 : rnd.nextInt((int) used);
            Files.write(data, Arrays.copyOf(whole, size));
            expectDamaged(i % 2 == 0 ? "info" : "pfs-status", "disk/pfs/m");
        }
    }

    @Test
    void everyKindOfCommandRefusesADamagedRecordWithOneLine() throws Exception {
        byte[] b = whole.clone();
        // a byte of the 300 KB file's seventh 16 KiB block, wherever LMDB put that record
        byte[] big = Files.readAllBytes(tmp.resolve("tree/big"));
        int at = indexOf(b, Arrays.copyOfRange(big, 6 * 16384, 7 * 16384), 4096);
        b[at + 1000] ^= 0x10;
        Files.write(data, b);
        expectDamaged("cpdup", "disk/pfs/m", "out");
        expectDamaged("mirror-read", "disk/pfs/m");
        ok("newfs", "-L", "B", "backup");
        expectDamaged("mirror-copy", "-y", "disk/pfs/m", "backup/pfs/copy");
    }

    @Test
    void aZeroLengthDataFileIsNotMadeANewStore() throws Exception {
        Files.write(data, new byte[0]);
        expectDamaged("info", "disk");
        expectDamaged("pfs-master", "disk/pfs/n");
        assertThat(Files.size(data)).isZero();
    }

    @Test
    void aLeafNodeFlagThatLmdbFollowsIntoANullPointerIsExit5() throws Exception {
        // The key of PFS #1's root inode (pfs 1, obj 1, INODE, key 0) follows its LMDB node header:
        // lo u16, hi u16, flags u16, ksize u16 = 27. Setting F_DUPDATA (0x04) in a table without
        // duplicates makes LMDB 0.9 dereference a null pointer when a search lands on the node.
        byte[] b = whole.clone();
        byte[] pattern = {27, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0};
        // Every copy of the node: LMDB's free pages keep older copies of the leaf.
        int found = 0;
        for (int at = indexOf(b, pattern, pattern.length, 0); at >= 0; at = indexOf(b, pattern, pattern.length, at + 1)) {
            b[at - 2] |= 0x04;
            found++;
        }
        assertThat(found).isPositive();
        Files.write(data, b);
        expectDamaged("cpdup", "disk/pfs/m", "out");
        assertThat(hammer.run("cpdup", "disk/pfs/m", "out").stderr()).contains("LMDB faulted");
    }

    private static int indexOf(byte[] hay, byte[] needle, int len) {
        int at = indexOf(hay, needle, len, 0);
        if (at < 0) {
            throw new AssertionError("not found");
        }
        return at;
    }

    private static int indexOf(byte[] hay, byte[] needle, int len, int from) {
        outer:
        for (int i = from; i + len <= hay.length; i++) {
            for (int j = 0; j < len; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
