package org.hammer.core.cpdup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpdupTest {
    @TempDir
    Path tmp;
    Path store;
    Path src;

    @BeforeEach
    void setUp() throws IOException {
        store = tmp.resolve("disk.hammer");
        newStore(store);
        src = tmp.resolve("src");
        fixture(src);
    }

    /** A store with PFS #0, a master at pfs/test and a slave at pfs/slave. */
    static void newStore(Path dir) {
        try (Store s = Store.create(dir, "TEST", 1L << 30)) {
            Pfses.format(s, "TEST");
            long pfsDir = s.write(w -> Pfses.writer(w, 0).mkdir(FsReader.ROOT, "pfs", 0755, 0, 0));
            Pfses.create(s, pfsDir, "test", PfsMode.MASTER, null);
            Pfses.create(s, pfsDir, "slave", PfsMode.SLAVE, null);
        }
    }

    /*
     * src/                 0755
     * ├── a.txt            0640 1001:1002  user.color=blue
     * ├── big.bin          3 MiB of random bytes (several pieces, 64 KiB blocks)
     * ├── sparse.bin       5 MiB, data at 0 and 4 MiB only
     * ├── empty
     * ├── run.sh           0755
     * ├── dir/             0700  user.kind=dir
     * │   ├── nested/deep.txt
     * │   └── hard2        ─┐ one file, two names
     * ├── hard1            ─┘
     * ├── link -> a.txt
     * ├── dangling -> nowhere
     * └── fifo
     */
    static void fixture(Path root) throws IOException {
        Files.createDirectories(root.resolve("dir/nested"));
        write(root.resolve("a.txt"), "hello, world\n");
        Files.setAttribute(root.resolve("a.txt"), "unix:mode", 0640);
        Files.setAttribute(root.resolve("a.txt"), "unix:uid", 1001);
        Files.setAttribute(root.resolve("a.txt"), "unix:gid", 1002);
        xattr(root.resolve("a.txt"), "color", "blue");
        byte[] big = new byte[3 << 20];
        new Random(7).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        try (var f = new java.io.RandomAccessFile(root.resolve("sparse.bin").toFile(), "rw")) {
            f.write("start".getBytes(StandardCharsets.UTF_8));
            f.seek(4 << 20);
            f.write("middle".getBytes(StandardCharsets.UTF_8));
            f.setLength(5 << 20);
        }
        Files.createFile(root.resolve("empty"));
        write(root.resolve("run.sh"), "#!/bin/sh\necho hi\n");
        Files.setAttribute(root.resolve("run.sh"), "unix:mode", 0755);
        write(root.resolve("dir/nested/deep.txt"), "deep\n");
        write(root.resolve("hard1"), "linked\n");
        Files.createLink(root.resolve("dir/hard2"), root.resolve("hard1"));
        Files.createSymbolicLink(root.resolve("link"), Path.of("a.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("nowhere"));
        SpecialFiles.make(root.resolve("fifo"), new Meta(0010644, 0, 0, 0, 0, 0, 0, 1, 0, 0));
        xattr(root.resolve("dir"), "kind", "dir");
        Files.setAttribute(root.resolve("dir"), "unix:mode", 0700);
        long ns = 1_600_000_000_123_456_789L;
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                ns += 1_000_001_001L;
                if (Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setTimes(LocalFiles.time(ns), LocalFiles.time(ns), null);
                }
            }
        }
    }

    static void write(Path p, String text) throws IOException {
        Files.writeString(p, text, StandardCharsets.UTF_8);
    }

    static void xattr(Path p, String name, String value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class)
                .write(name, ByteBuffer.wrap(value.getBytes(StandardCharsets.UTF_8)));
    }

    String pfs() {
        return store.resolve("pfs/test").toString();
    }

    long lastTid() {
        try (Store s = Store.open(store)) {
            return s.lastTid();
        }
    }

    @Test
    void copiesATreeIntoAPfsAndBackUnchanged() {
        Map<String, String> before = Trees.describe(src);
        List<String> log = new ArrayList<>();

        CpdupStats in = Cpdup.copy(src.toString(), pfs(), log::add);
        CpdupStats out = Cpdup.copy(pfs(), tmp.resolve("out").toString(), null);

        assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(before);
        assertThat(in.copied()).isEqualTo(before.size() - 1);
        assertThat(in.bytes()).isEqualTo((3 << 20) + (5 << 20) + 13 + 18 + 5 + 7);
        assertThat(out.copied()).as("the export also makes its root").isEqualTo(in.copied() + 1);
        assertThat(log).contains("a.txt copy-ok", "dir mkdir-ok", "hard1 link-ok");
    }

    @Test
    void aSecondRunCopiesOnlyWhatChangedAndRemovesWhatIsGone() throws IOException {
        Cpdup.copy(src.toString(), pfs(), null);
        write(src.resolve("a.txt"), "hello, changed world\n");
        Files.delete(src.resolve("dir/nested/deep.txt"));
        write(src.resolve("new.txt"), "new\n");
        List<String> log = new ArrayList<>();

        CpdupStats again = Cpdup.copy(src.toString(), pfs(), log::add);
        Cpdup.copy(pfs(), tmp.resolve("out").toString(), null);

        assertThat(again.copied()).isEqualTo(2);
        assertThat(again.removed()).isEqualTo(1);
        assertThat(log).contains("a.txt copy-ok", "new.txt copy-ok", "dir/nested/deep.txt removed");
        assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    }

    @Test
    void anUpToDateTreeAddsNoTid() {
        Cpdup.copy(src.toString(), pfs(), null);
        long tid = lastTid();

        CpdupStats again = Cpdup.copy(src.toString(), pfs(), null);

        assertThat(again.copied()).isZero();
        assertThat(again.updated()).isZero();
        assertThat(lastTid()).isEqualTo(tid);
    }

    @Test
    void exportsAnOlderStateOfThePfs() throws IOException {
        Map<String, String> first = Trees.describe(src);
        Cpdup.copy(src.toString(), pfs(), null);
        long tid = lastTid();
        write(src.resolve("a.txt"), "second version\n");
        Files.delete(src.resolve("big.bin"));
        Cpdup.copy(src.toString(), pfs(), null);

        Cpdup.copy(pfs() + "@@" + Tid.format(tid), tmp.resolve("old").toString(), null);

        assertThat(Trees.describe(tmp.resolve("old"))).isEqualTo(first);
    }

    @Test
    void createsMissingDirectoriesAboveTheDestination() {
        Cpdup.copy(src.toString(), pfs() + "/x/y/copy", null);
        Cpdup.copy(pfs() + "/x/y/copy", tmp.resolve("a/b/out").toString(), null);

        assertThat(Trees.describe(tmp.resolve("a/b/out"))).isEqualTo(Trees.describe(src));
    }

    @Test
    void copyingOverTheStoreRootKeepsThePfsLinks() {
        List<String> log = new ArrayList<>();

        CpdupStats stats = Cpdup.copy(src.toString(), store.toString(), log::add);

        assertThat(log).contains("pfs kept: PFS links stay");
        assertThat(stats.removed()).isZero();
        assertThat(store.resolve("a.txt")).as("the copy went into PFS #0, not the directory").doesNotExist();
        Cpdup.copy(src.toString(), pfs(), null);
        Cpdup.copy(pfs(), tmp.resolve("out").toString(), null);
        assertThat(Trees.describe(tmp.resolve("out"))).isEqualTo(Trees.describe(src));
    }

    @Test
    void refusesToWriteIntoASlave() {
        assertThatThrownBy(() -> Cpdup.copy(src.toString(), store.resolve("pfs/slave").toString(), null))
                .isInstanceOfSatisfying(FsException.class, e -> {
                    assertThat(e.errno()).isEqualTo(Errno.EROFS);
                    assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED);
                })
                .hasMessageContaining("slave");
    }

    @Test
    void commitsLargeTreesAndFilesInSeveralBatches() throws IOException {
        Path many = tmp.resolve("many");
        Files.createDirectories(many);
        for (int i = 0; i < 2100; i++) {
            write(many.resolve("f" + i), "file " + i);
        }
        byte[] big = new byte[(int) PfsTarget.BATCH_BYTES + (16 << 20)];
        new Random(1).nextBytes(big);
        Files.write(many.resolve("big"), big);
        long before = lastTid();

        CpdupStats stats = Cpdup.copy(many.toString(), pfs(), null);

        assertThat(stats.copied()).isEqualTo(2101);
        assertThat(lastTid() - before).as("commits").isGreaterThanOrEqualTo(3);
        try (Store s = Store.open(store)) {
            s.read(r -> {
                FsReader fs = new FsReader(r, 1, Tid.MAX);
                assertThat(fs.list(FsReader.ROOT)).hasSize(2101);
                byte[] back = new byte[big.length];
                assertThat(fs.read(fs.lookup(FsReader.ROOT, "big"), 0, back, 0, back.length)).isEqualTo(back.length);
                assertThat(java.util.Arrays.equals(back, big)).isTrue();
                return null;
            });
        }
    }

    /**
     * A file large enough to be read ahead, with whole 64 KiB stretches of zeros (left as holes,
     * one of them at the start of a piece), zeros that fill no whole stretch (stored) and a
     * partial last piece: stored from the buffers it was read into, with the checksums made as
     * they were read, and read back the same, every stored block checked.
     */
    @Test
    void aLargeFileReadAheadIsStoredAsReadWithItsHolesLeftOut() throws IOException {
        int piece = FileCopy.PIECE;
        byte[] data = new byte[(int) ReadAhead.MIN_SIZE + 3 * piece + 12_345];
        new Random(9).nextBytes(data);
        java.util.Arrays.fill(data, piece + 64 * 1024, piece + 3 * 64 * 1024, (byte) 0); // two stretches
        java.util.Arrays.fill(data, 3 * piece, 3 * piece + 64 * 1024, (byte) 0); // the start of a piece
        java.util.Arrays.fill(data, 5 * piece + 100, 5 * piece + 100 + 64 * 1024, (byte) 0); // no whole stretch
        Path big = tmp.resolve("one/big.bin");
        Files.createDirectories(big.getParent());
        Files.write(big, data);

        Cpdup.copy(big.getParent().toString(), pfs(), null);

        try (Store s = Store.open(store)) {
            s.read(r -> {
                FsReader fs = new FsReader(r, 1, Tid.MAX);
                long ino = fs.lookup(FsReader.ROOT, "big.bin");
                byte[] back = new byte[data.length];
                assertThat(fs.read(ino, 0, back, 0, back.length)).isEqualTo(data.length);
                assertThat(java.util.Arrays.equals(back, data)).isTrue();
                assertThat(fs.storedBytes(ino, data.length)).as("three 64 KiB holes")
                        .isEqualTo(data.length - 3 * 64 * 1024);
                return null;
            });
        }
    }

    /**
     * big.bin (3 MiB) and a.txt both change; big.bin then loses its second half while its first
     * piece is being copied: it is reported and left as it was, a.txt is copied all the same.
     */
    @Test
    void aSourceFileThatShrinksWhileCopiedLeavesItsEarlierVersionAndTheCopyGoesOn() throws IOException {
        Cpdup.copy(src.toString(), pfs(), null);
        Map<String, String> first = Trees.describe(src);
        byte[] second = new byte[3 << 20];
        new Random(8).nextBytes(second);
        Files.write(src.resolve("big.bin"), second);
        write(src.resolve("a.txt"), "changed\n");
        Path big = src.resolve("big.bin");
        List<String> errors = new ArrayList<>();

        CpdupStats stats = walkIntoPfs(resizing(src, big, offset -> offset > 0, 1 << 20), errors);
        Cpdup.copy(pfs(), tmp.resolve("out").toString(), null);

        assertThat(errors).containsExactly(big + ": changed while being copied: it shrank from " + (3 << 20)
                + " to " + (1 << 20) + " bytes; nothing of it was written");
        assertThat(stats.failed()).isEqualTo(1);
        assertThat(stats.copied()).as("a.txt").isEqualTo(1);
        Map<String, String> out = Trees.describe(tmp.resolve("out"));
        assertThat(out.get("big.bin")).as("the earlier version").isEqualTo(first.get("big.bin"));
        assertThat(out.get("a.txt")).isEqualTo(Trees.describe(src).get("a.txt"));
        try (Store s = Store.open(store)) {
            List<String> staged = new ArrayList<>();
            s.read(r -> {
                r.scanMeta(Staging.prefix(1), (k, v) -> staged.add(k));
                return null;
            });
            assertThat(staged).as("nothing left staged").isEmpty();
        }
    }

    /** A large file that grows between its stat and its reading is reported, and nothing of it is placed. */
    @Test
    void aLargeSourceFileThatGrewBeforeItWasReadIsReportedAndLeftOut() throws IOException {
        Path one = tmp.resolve("grows");
        Files.createDirectories(one);
        Path big = one.resolve("big.bin");
        byte[] data = new byte[(5 << 20) + 100];
        new Random(11).nextBytes(data);
        Files.write(big, data);
        List<String> errors = new ArrayList<>();

        CpdupStats stats = walkIntoPfs(resizing(one, big, offset -> offset == 0, 6 << 20), errors);

        assertThat(errors).containsExactly(big + ": changed while being copied: it grew past " + data.length
                + " bytes; nothing of it was written");
        assertThat(stats.failed()).isEqualTo(1);
        try (Store s = Store.open(store)) {
            s.read(r -> {
                assertThat(new FsReader(r, 1, Tid.MAX).list(FsReader.ROOT)).as("nothing placed").isEmpty();
                return null;
            });
        }
    }

    /**
     * The tree at {@code root}, whose {@code file} is resized to {@code length} once: before the
     * first piece of it asked for at an offset {@code when} accepts.
     */
    private static HookedSource resizing(Path root, Path file, java.util.function.LongPredicate when, long length) {
        boolean[] done = {false};
        return new HookedSource(root, (f, offset) -> {
            if (f.equals(file) && when.test(offset) && !done[0]) {
                done[0] = true;
                try (var raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(length);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
    }

    /** Copies {@code from} into the root of pfs/test, the failures going to {@code errors}. */
    private CpdupStats walkIntoPfs(SourceTree<Path> from, List<String> errors) {
        try (PfsPath to = PfsPath.resolve(pfs())) {
            PfsTarget target = new PfsTarget(to.store(), to.pfs(), FsReader.ROOT, null, List.of(), pfs());
            return new Walk<>(from, target, null, errors::add).run();
        }
    }

    /** Without a store on either side there is nothing to copy to or from: refused, and nothing is touched. */
    @Test
    void twoLocalDirectoriesAreRefused() throws IOException {
        Path victim = Files.createDirectories(tmp.resolve("victim"));
        write(victim.resolve("keep"), "keep");

        assertThatThrownBy(() -> Cpdup.copy(tmp.resolve("fake/pfs/home").toString(), victim.toString(), null))
                .isInstanceOfSatisfying(HammerException.class,
                        e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.NOT_FOUND))
                .hasMessageContaining("not inside a hammer store");
        assertThat(victim.resolve("keep")).hasContent("keep");
    }

    @Tag("slow")
    @Test
    void aSparseFileOfFiveGibGoesInAndOutWithoutFillingTheStore() throws IOException {
        Path big = tmp.resolve("big");
        Files.createDirectories(big);
        long far = 5L << 30;
        try (var f = new java.io.RandomAccessFile(big.resolve("sparse").toFile(), "rw")) {
            f.write("head".getBytes(StandardCharsets.UTF_8));
            f.seek(far);
            f.write("tail".getBytes(StandardCharsets.UTF_8));
        }

        Cpdup.copy(big.toString(), pfs(), null);
        Cpdup.copy(pfs(), tmp.resolve("out").toString(), null);

        Path back = tmp.resolve("out/sparse");
        assertThat(Files.size(back)).isEqualTo(far + 4);
        try (var f = new java.io.RandomAccessFile(back.toFile(), "r")) {
            byte[] b = new byte[4];
            f.readFully(b);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("head");
            f.seek(far);
            f.readFully(b);
            assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("tail");
        }
        assertThat((Long) Files.getAttribute(back, "unix:size")).isEqualTo(far + 4);
        try (Store s = Store.open(store)) {
            assertThat(s.usedBytes()).isLessThan(64L << 20);
        }
    }
}
