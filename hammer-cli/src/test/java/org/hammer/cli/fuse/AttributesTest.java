package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A regular file's st_blocks: in a store of format 3, whose inodes keep no count, counted from its
 * stored blocks and kept across writes that leave no hole; in format 4, from the count its inode
 * keeps, never walked.
 */
class AttributesTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private Store store;
    private final Attributes attrs = new Attributes(new InodeNumbers(View.current(0)));
    private Node file;

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE, 3);
        Pfses.format(store, "T");
        long ino = store.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, "f", 0644, 0, 0, 0));
        file = new Node(View.current(0), ino);
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A write of {@code len} bytes at {@code offset}, told to the attributes as the mount's written-back writes tell them. */
    private void write(long offset, int len) {
        store.write(w -> {
            FsWriter fs = new FsWriter(w, 0);
            Inode before = fs.getattr(file.ino());
            fs.write(file.ino(), offset, new byte[len], 0, len);
            attrs.wrote(file, before, offset, fs.getattr(file.ino()));
            return null;
        });
    }

    private long blocks() {
        return store.read(r -> attrs.stat(new Ctx(r, null), file).blocks());
    }

    @Test
    void aFileWrittenInSequenceIsNotWalkedAgainAndShowsItsSize() {
        assertThat(blocks()).isZero();
        assertThat(attrs.walks.sum()).isEqualTo(1);
        for (int i = 0; i < 8; i++) {
            write((long) i * MIB, MIB);
        }
        write(8L * MIB - 100, 300_000); // overlapping the end
        long size = 8L * MIB - 100 + 300_000;
        assertThat(blocks()).isEqualTo((size + 511) / 512);
        assertThat(attrs.walks.sum()).as("no walk after the first").isEqualTo(1);
    }

    @Test
    void aWritePastTheEndLeavesAHoleThatTheNextStatCounts() {
        blocks();
        write(0, MIB);
        write(5L * MIB, MIB); // a hole of 4 MiB
        assertThat(blocks()).as("2 MiB stored of 6").isEqualTo(2L * MIB / 512);
        assertThat(attrs.walks.sum()).isEqualTo(2);
        write(6L * MIB, MIB); // in sequence again, but the file has a hole
        assertThat(blocks()).isEqualTo(3L * MIB / 512);
        assertThat(attrs.walks.sum()).as("a file with a hole is counted again").isEqualTo(3);
    }

    @Test
    void aChangeTheAttributesWereNotToldOfIsCountedAgain() {
        blocks();
        write(0, MIB);
        store.write(w -> {
            new FsWriter(w, 0).truncate(file.ino(), 4L * MIB); // a hole from 1 MiB, not told
            return null;
        });
        write(4L * MIB, MIB); // its "before" is not the count's
        assertThat(blocks()).isEqualTo(2L * MIB / 512);
        assertThat(attrs.walks.sum()).isEqualTo(2);
    }

    @Test
    void aFileThatCountsItsBlocksIsNeverWalked() {
        try (Store counted = Store.create(dir.resolve("s4"), "T", Store.DEFAULT_MAX_SIZE)) {
            Pfses.format(counted, "T");
            Node f = new Node(View.current(0), counted.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, "f", 0644, 0,
                    0, 0)));
            LongSupplier blocks = () -> counted.read(r -> attrs.stat(new Ctx(r, null), f).blocks());
            assertThat(blocks.getAsLong()).isZero();
            long[][] writes = {{0, MIB}, {5L * MIB, MIB}, {6L * MIB + 1000, 20_000}};
            for (long[] wr : writes) {
                counted.write(w -> new FsWriter(w, 0).write(f.ino(), wr[0], new byte[(int) wr[1]], 0, (int) wr[1]));
            }
            assertThat(blocks.getAsLong()).as("1 MiB, a hole of 4, 1 MiB, then the last block to the end (21,000 bytes)")
                    .isEqualTo((2L * MIB + 21_000 + 511) / 512);
            counted.write(w -> {
                new FsWriter(w, 0).truncate(f.ino(), 3L * MIB);
                return null;
            });
            assertThat(blocks.getAsLong()).as("the first MiB; the blocks past 3 MiB dropped").isEqualTo(MIB / 512);
            assertThat(attrs.walks.sum()).isZero();
        }
    }
}
