package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count of stored blocks a regular file's inode keeps in store format 4: after any sequence of
 * writes (holes included) and truncates, what it gives for st_blocks is what a walk over the
 * file's blocks counts, now and as of every earlier TID; files made in a store of format 3 keep no
 * count and are walked, also once the store is upgraded.
 */
class BlockCountTest {
    private static final long ROOT = FsReader.ROOT;

    @TempDir
    Path tmp;

    private static <T> T write(Store s, Function<FsWriter, T> work) {
        return s.write(w -> work.apply(Pfses.writer(w, 0)));
    }

    private static <T> T read(Store s, long asOf, Function<FsReader, T> work) {
        return s.read(r -> work.apply(new FsReader(r, 0, asOf)));
    }

    private static boolean counted(Store s, long ino) {
        return s.read(r -> new FsReader(r, 0, Tid.MAX).getattr(ino).counted());
    }

    /** The count the inode gives (the walk where it keeps none) and the walk's, as of {@code asOf}. */
    private static long[] bothCounts(Store s, long ino, long asOf) {
        return read(s, asOf, r -> {
            Inode i = r.getattr(ino);
            return new long[] {r.storedBytes(ino, i), r.storedBytes(ino, i.size())};
        });
    }

    @Test
    void aCountedFileAgreesWithAWalkAfterEveryWriteAndTruncateAndAsOfEach() {
        try (Store s = Store.create(tmp.resolve("s"), "T", 1L << 30)) {
            Pfses.format(s, "T");
            assertThat(s.header().formatVersion()).isEqualTo(4);
            long ino = write(s, f -> f.mknod(ROOT, "f", 0100644, 0, 0, 0));
            Random rnd = new Random(20261203L);
            List<Long> tids = new ArrayList<>();
            List<Long> counts = new ArrayList<>();
            for (int op = 0; op < 300; op++) {
                int kind = rnd.nextInt(10);
                long at = rnd.nextInt(3 << 20);
                write(s, f -> {
                    if (kind < 7) {
                        byte[] d = new byte[1 + rnd.nextInt(kind < 2 ? 200_000 : 20_000)];
                        f.write(ino, at, d, 0, d.length);
                    } else {
                        f.truncate(ino, kind == 9 ? at + (2 << 20) : at / (1 + rnd.nextInt(4)));
                    }
                    return null;
                });
                long[] c = bothCounts(s, ino, Tid.MAX);
                assertThat(c[0]).as("op %d: the inode's count against the walk", op).isEqualTo(c[1]);
                tids.add(s.lastTid());
                counts.add(c[1]);
            }
            assertThat(counted(s, ino)).isTrue();
            assertThat(counts).as("holes and blocks came and went").contains(0L).hasSizeGreaterThan(100);
            for (int k = 0; k < tids.size(); k++) {
                long[] c = bothCounts(s, ino, tids.get(k));
                assertThat(c[0]).as("as of op %d", k).isEqualTo(c[1]).isEqualTo(counts.get(k));
            }
        }
    }

    @Test
    void aFileMadeInFormat3KeepsNoCountAndIsWalkedAlsoAfterTheUpgrade() {
        Path dir = tmp.resolve("old");
        long old;
        try (Store s = Store.create(dir, "T", 1L << 30, 3)) {
            Pfses.format(s, "T");
            old = write(s, f -> f.mknod(ROOT, "old", 0100644, 0, 0, 0));
            write(s, f -> f.write(old, 5 << 20, new byte[70_000], 0, 70_000));
            assertThat(counted(s, old)).isFalse();
            assertThat(bothCounts(s, old, Tid.MAX)).as("a block and a part of one").containsExactly(70_000L, 70_000L);
        }
        assertThat(Store.upgradeFormat(dir, 4, b -> { }).to()).isEqualTo(4);
        try (Store s = Store.open(dir)) {
            assertThat(s.header().formatVersion()).isEqualTo(4);
            write(s, f -> f.write(old, 0, new byte[10], 0, 10));
            long made = write(s, f -> f.mknod(ROOT, "new", 0100644, 0, 0, 0));
            write(s, f -> f.write(made, 5 << 20, new byte[70_000], 0, 70_000));
            assertThat(counted(s, old)).as("a file from before").isFalse();
            assertThat(counted(s, made)).as("a file made in format 4").isTrue();
            assertThat(bothCounts(s, old, Tid.MAX)).as("and the first block").containsExactly(86_384L, 86_384L);
            assertThat(bothCounts(s, made, Tid.MAX)).containsExactly(70_000L, 70_000L);
            long dir0 = write(s, f -> f.mkdir(ROOT, "d", 0755, 0, 0));
            assertThat(counted(s, dir0)).as("a directory").isFalse();
        }
    }

    @Test
    void anInodeReadsInBothLayoutsAndACountNoBlocksAddUpToIsDamage() {
        Inode plain = new Inode(0100644, 1, 2, 1, 100, 0, 3, 4, 5, 1);
        assertThat(Inode.decode(plain.encode())).isEqualTo(plain);
        assertThat(Inode.isCounted(plain.encode())).isFalse();
        Inode counted = plain.withBlockBytes(80L << 10);
        assertThat(Inode.decode(counted.encode())).isEqualTo(counted);
        assertThat(Inode.isCounted(counted.encode())).isTrue();
        assertThat(counted.encode()).hasSize(plain.encode().length + 8);
        for (long bad : new long[] {-16384, 1000, (16L << 10) + 1}) {
            byte[] b = counted.encode();
            ByteBuffer.wrap(b).putLong(b.length - 8, bad);
            assertThatThrownBy(() -> Inode.decode(b)).isInstanceOfSatisfying(HammerException.class,
                    e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.CORRUPT));
        }
    }
}
