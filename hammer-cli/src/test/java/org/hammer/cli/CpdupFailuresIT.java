package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Random;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How cpdup fails, run as a user runs it: it refuses a copy with no store on either side, a file
 * the store has no room for leaves nothing of itself behind (its earlier version stays), and an
 * export goes on past a file the destination refuses, naming it and ending non-zero.
 */
class CpdupFailuresIT {
    @TempDir
    Path tmp;
    CliRunner hammer;

    @BeforeEach
    void runner() {
        hammer = CliRunner.create().withWorkDir(tmp).withEnv("HAMMER_RUN_DIR", tmp.resolve("run").toString());
    }

    static CliResult ok(CliResult r) {
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    // tmp/fake/pfs/home/      a plain directory that only looks like a store path
    // tmp/victim/important    what a copy from it would have removed
    @Test
    void twoPlainDirectoriesAreRefusedAndTheDestinationIsLeftAlone() throws IOException {
        Files.createDirectories(tmp.resolve("fake/pfs/home"));
        Files.createDirectories(tmp.resolve("victim"));
        Files.writeString(tmp.resolve("victim/important"), "keep me");

        CliResult r = hammer.run("cpdup", "fake/pfs/home", "victim");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).as(r.toString()).startsWith("hammer: cpdup fake/pfs/home: ")
                .contains("not inside a hammer store: fake/pfs/home").hasLineCount(1);
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readString(tmp.resolve("victim/important"))).isEqualTo("keep me");
    }

    // in/a.txt     unchanged between the two runs
    // in/b.txt     new in the second run, copied before big
    // in/big       1 MiB in the first run, 160 MiB in the second: more than the 128 MiB store holds,
    //              in more than one commit (64 MiB each)
    // in/z.txt     new in the second run, after big
    @Test
    void aFileTheStoreHasNoRoomForLeavesNothingOfItselfAndItsEarlierVersionStays() throws IOException {
        ok(hammer.run("newfs", "--max-size", "128M", "s"));
        ok(hammer.run("pfs-master", "s/pfs/t"));
        Path in = Files.createDirectories(tmp.resolve("in"));
        Files.writeString(in.resolve("a.txt"), "a");
        byte[] first = random(1 << 20, 1);
        Files.write(in.resolve("big"), first);
        ok(hammer.run("cpdup", "in", "s/pfs/t"));
        Files.writeString(in.resolve("b.txt"), "b");
        Files.write(in.resolve("big"), random(160 << 20, 2));
        Files.writeString(in.resolve("z.txt"), "z");

        CliResult full = hammer.run("cpdup", "in", "s/pfs/t");

        assertThat(full.exitCode()).as(full.toString()).isEqualTo(1);
        assertThat(full.stderr()).as(full.toString()).hasLineCount(1).startsWith("hammer: cpdup ")
                .contains("big", "store is full", "1 object (1 byte) copied before it")
                .doesNotContain("nothing of this change was written");
        CliResult out = ok(hammer.run("cpdup", "s/pfs/t", "out"));
        assertThat(out.stdout()).contains("4 copied");
        assertThat(Files.readAllBytes(tmp.resolve("out/big"))).as("the earlier version, whole").isEqualTo(first);
        assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("a");
        assertThat(Files.readString(tmp.resolve("out/b.txt"))).isEqualTo("b");
        assertThat(tmp.resolve("out/z.txt")).doesNotExist();
    }

    /** True when this filesystem refuses a user xattr of {@code size} bytes (ext4: more than a block). */
    private static boolean refusesXattr(Path dir, int size) throws IOException {
        Path probe = Files.createFile(dir.resolve("probe"));
        try {
            Files.getFileAttributeView(probe, UserDefinedFileAttributeView.class)
                    .write("probe", ByteBuffer.wrap(new byte[size]));
            return false;
        } catch (FileSystemException e) {
            return true;
        } finally {
            Files.delete(probe);
        }
    }

    // PFS pfs/t:  a.txt, b.bin (user.big = 60,000 bytes, more than ext4 holds), c.txt
    @Test
    void anExportGoesOnPastAFileTheDestinationRefusesAndEndsNonZero() throws IOException {
        Assumptions.assumeTrue(refusesXattr(tmp, 60_000), "the destination filesystem takes 60 kB xattrs");
        ok(hammer.run("newfs", "s"));
        ok(hammer.run("pfs-master", "s/pfs/t"));
        try (PfsPath p = PfsPath.resolve(tmp.resolve("s/pfs/t").toString())) {
            p.store().write(w -> {
                FsWriter fs = Pfses.writer(w, p.pfs());
                for (String name : new String[] {"a.txt", "b.bin", "c.txt"}) {
                    long f = fs.mknod(p.ino(), name, 0644, 0, 0, 0);
                    byte[] data = name.getBytes(StandardCharsets.UTF_8);
                    fs.write(f, 0, data, 0, data.length);
                }
                fs.setxattr(fs.lookup(p.ino(), "b.bin"), "user.big", new byte[60_000]);
                return null;
            });
        }

        CliResult r = hammer.run("cpdup", "s/pfs/t", "out");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr()).as(r.toString()).hasLineCount(2)
                .contains("hammer: cpdup " + tmp.resolve("out/b.bin") + ": cannot set extended attribute user.big")
                .contains("1 of 4 objects could not be copied");
        assertThat(r.stdout()).contains("3 copied");
        assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("a.txt");
        assertThat(Files.readString(tmp.resolve("out/c.txt"))).as("the copy went on").isEqualTo("c.txt");
        assertThat(tmp.resolve("out/b.bin")).as("nothing of the failed file").doesNotExist();
        try (var s = Files.list(tmp.resolve("out"))) {
            assertThat(s.map(x -> x.getFileName().toString())).containsExactlyInAnyOrder("a.txt", "c.txt");
        }
    }
}
