package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.lmdb.Env;
import org.hammer.core.pfs.Pfses;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file's large blocks that are not in the page cache are read past it, with the same checks as
 * through the map. The store holds one file of 3 MiB, its 64 KiB blocks from 1 MiB on; after it is
 * written, every page of the data file is written again with {@code O_DIRECT} (same bytes), which
 * leaves none of them in the page cache.
 */
class ColdValuesTest {
    private static final byte[] MARKER = "<<cold-marker-0001>>".getBytes(StandardCharsets.US_ASCII);
    private static final int MARKED_AT = (2 << 20) + 100; // in a 64 KiB block

    @TempDir
    Path tmp;
    Path dir;
    Path data;
    byte[] content;
    long ino;

    @BeforeEach
    void store() throws IOException {
        dir = tmp.resolve("s.hammer");
        data = dir.resolve("data.mdb");
        content = new byte[3 << 20];
        new Random(11).nextBytes(content);
        System.arraycopy(MARKER, 0, content, MARKED_AT, MARKER.length);
        try (Store s = Store.create(dir, "S", 1L << 30)) {
            Pfses.format(s, "S");
            ino = StoreFiles.write(s, "f", content);
        }
        assumeTrue(uncache(), "the file system takes no O_DIRECT");
    }

    /** Writes every page of data.mdb again, same bytes, with O_DIRECT: none is left cached. */
    private boolean uncache() throws IOException {
        return rewrite(-1, 0);
    }

    /** As {@link #uncache}, with bit {@code bit} of the byte at {@code offset} flipped (-1: none). */
    private boolean rewrite(long offset, int bit) throws IOException {
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE,
                ExtendedOpenOption.DIRECT)) {
            ByteBuffer b = ByteBuffer.allocateDirect((1 << 20) + 4096).alignedSlice(4096);
            for (long at = 0; at < ch.size(); at += 1 << 20) {
                b.clear().limit((int) Math.min(1 << 20, ch.size() - at));
                while (b.hasRemaining() && ch.read(b, at + b.position()) > 0) {
                    // read the whole piece
                }
                if (offset >= at && offset < at + b.position()) {
                    int i = (int) (offset - at);
                    b.put(i, (byte) (b.get(i) ^ (1 << bit)));
                }
                b.flip();
                while (b.hasRemaining()) {
                    ch.write(b, at + b.position());
                }
            }
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            if (e instanceof IOException && !String.valueOf(e.getMessage()).contains("Invalid argument")) {
                throw (IOException) e;
            }
            return false;
        }
    }

    /**
     * Opens the store with none of its pages cached and its map told to fault them in one at a
     * time: the kernel's read-around of a fault (as much as the disk's readahead, megabytes on
     * some) would otherwise cache this small store whole at its first read.
     */
    private LmdbStore openCold() throws IOException {
        LmdbStore s = LmdbStore.open(dir);
        assertThat(Env.adviseRandom(s.bounds.base(), s.env().info().mapSize())).isZero();
        uncache();
        return s;
    }

    /** Reads the whole file in 1 MiB pieces, as the mount's READs do; returns it. */
    private byte[] readAll(LmdbStore s) {
        return s.read(r -> {
            FsReader fs = Pfses.reader(r, 0);
            ByteBuffer out = ByteBuffer.allocate(content.length);
            while (out.hasRemaining()) {
                ByteBuffer piece = out.slice(out.position(), Math.min(1 << 20, out.remaining()));
                int n = fs.read(ino, out.position(), piece);
                assertThat(n).isPositive();
                out.position(out.position() + n);
            }
            return out.array();
        });
    }

    @Test
    void blocksNotInThePageCacheAreReadPastItAndAreTheFilesBytes() throws IOException {
        ColdValues cold = ColdValues.get();
        long before = cold.reads;
        long keptBefore = cold.kept;
        try (LmdbStore s = openCold()) {
            assertThat(readAll(s)).isEqualTo(content);
        }
        // 32 blocks of 64 KiB from 1 MiB to 3 MiB, each read once. A search also checks the record
        // after its own, but its value holds no data (the block lies in the blocks table), so
        // nothing is read ahead of its search and kept for it.
        assertThat(cold.reads - before).isEqualTo(32);
        assertThat(cold.kept - keptBefore).isZero();
    }

    @Test
    void blocksInThePageCacheAreReadThroughTheMap() throws IOException {
        ColdValues cold = ColdValues.get();
        long before = cold.reads;
        try (LmdbStore s = LmdbStore.open(dir)) {
            Files.readAllBytes(data); // every page cached
            assertThat(readAll(s)).isEqualTo(content);
        }
        assertThat(cold.reads).isEqualTo(before);
    }

    @Test
    void aFlippedBitInABlockReadPastThePageCacheIsRefusedAndTheStoreLeftAsItWas() throws IOException {
        long at = StoreIntegrityTest.offsetOf(data, MARKER) + 5;
        assertThat(rewrite(at, 3)).isTrue();
        ColdValues cold = ColdValues.get();
        long before = cold.reads;
        try (LmdbStore s = openCold()) {
            assertThatThrownBy(() -> readAll(s))
                    .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT))
                    .hasMessageContaining("data checksum mismatch").hasMessageContaining(dir.toString());
        }
        assertThat(cold.reads).as("found by a read past the page cache").isGreaterThan(before);
        assertThat(Files.readAllBytes(data)[(int) at]).isEqualTo((byte) (MARKER[5] ^ (1 << 3)));
    }

    /**
     * A read's next blocks asked for ahead are read once, by the store's thread ({@link DirectAhead}),
     * not again by the read that wants them.
     */
    @Test
    void blocksAskedForAheadAreNotReadAgainPastThePageCacheAndAreTheFilesBytes() throws IOException {
        long at = StoreIntegrityTest.offsetOf(data, MARKER);
        ColdValues cold = ColdValues.get();
        long before = cold.reads;
        try (LmdbStore s = openCold()) {
            long marker = s.bounds.base() + at;
            assertThat(s.inAskedAhead(marker, MARKER.length)).isFalse();
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(ino, 1 << 20, content.length);
                return null;
            });
            assertThat(s.inAskedAhead(marker, MARKER.length)).as("the marker's block asked for").isTrue();
            assertThat(readAll(s)).isEqualTo(content);
        }
        assertThat(cold.reads).as("no block read past the page cache").isEqualTo(before);
    }

    /**
     * Blocks asked for ahead that are already cached are copied too, not faulted into the map: a
     * sequential reader's pages would otherwise each cost a fault.
     */
    @Test
    void blocksAskedForAheadAreCopiedOutOfThePageCacheEvenWhenCached() throws IOException {
        ColdValues cold = ColdValues.get();
        long reads = cold.reads;
        long ahead = cold.readsAhead;
        try (LmdbStore s = LmdbStore.open(dir)) {
            Files.readAllBytes(data); // every page cached
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(ino, 1 << 20, content.length);
                return null;
            });
            assertThat(readAll(s)).isEqualTo(content);
        }
        // The 32 blocks of 64 KiB from 1 MiB to 3 MiB, from the store's read-ahead buffers: read in
        // place in the piece that holds each, or copied when they straddle two.
        assertThat(cold.readsAhead - ahead).isBetween(2L, 32L);
        assertThat(cold.reads).as("none read past the page cache").isEqualTo(reads);
    }

    /** A flipped bit in a block asked for ahead is found as in any other. */
    @Test
    void aFlippedBitInABlockAskedForAheadIsRefused() throws IOException {
        long at = StoreIntegrityTest.offsetOf(data, MARKER) + 5;
        assertThat(rewrite(at, 3)).isTrue();
        try (LmdbStore s = openCold()) {
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(ino, 1 << 20, content.length);
                return null;
            });
            assertThatThrownBy(() -> readAll(s))
                    .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT))
                    .hasMessageContaining("data checksum mismatch");
            assertThat(s.directAhead.copies).as("the damaged block came from the store's thread").isPositive();
        }
    }

    /**
     * Blocks asked for ahead are read from the disk by the store's thread past the page cache, and
     * the reads copy them from its buffers: the file's bytes, none of its pages left cached.
     */
    @Test
    void blocksAskedForAheadAreReadPastThePageCacheByTheStoresThread() throws IOException {
        long at = StoreIntegrityTest.offsetOf(data, MARKER);
        try (LmdbStore s = openCold()) {
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(ino, 1 << 20, content.length);
                return null;
            });
            // the end of the read-ahead's walk gave the map its read-around back (openCold)
            assertThat(Env.adviseRandom(s.bounds.base(), s.env().info().mapSize())).isZero();
            assertThat(readAll(s)).isEqualTo(content);
            assertThat(s.directAhead.piecesRead).as("2 MiB in pieces of 1 MiB, and the page before").isBetween(2L, 4L);
            assertThat(s.directAhead.views).as("blocks read in place in the pieces").isPositive();
            assertThat(s.directAhead.copies).as("only blocks that straddle two pieces copied").isLessThanOrEqualTo(3);
            // The reads let go of the pieces they read in place: every buffer can be read into again.
            long snapshot = s.read(r -> ((LmdbTxn) r).snapshotId());
            long all = (long) DirectAhead.PIECES * DirectAhead.PIECE;
            assertThat(s.directAhead.ask(snapshot, 4L << 20, (4L << 20) + all)).isEqualTo((4L << 20) + all);
            assertThat(Env.resident(s.bounds.base() + (at & -4096L), 4096)).as("the marker's page").isFalse();
        }
    }

    /**
     * What the store's thread read belongs to the snapshot that asked for it: a read of another
     * snapshot does not find it, and a piece whose snapshot is gone when the thread comes to it is
     * not read (its pages may hold something else by then).
     */
    @Test
    void piecesReadAheadServeOnlyTheirOwnSnapshot() throws IOException {
        try (LmdbStore s = openCold()) {
            long snapshot = s.read(r -> ((LmdbTxn) r).snapshotId());
            DirectAhead d = s.directAhead;
            ByteBuffer b = ByteBuffer.allocateDirect(8192).alignedSlice(4096);
            assertThat(d.ask(snapshot + 1, 1 << 20, 2 << 20)).isEqualTo(2 << 20);
            assertThat(d.copy(snapshot + 1, 1 << 20, 4096, b)).as("asked for by a snapshot not there").isFalse();
            assertThat(d.piecesRead).isZero();
            assertThat(d.ask(snapshot, 1 << 20, 2 << 20)).isEqualTo(2 << 20);
            assertThat(d.copy(snapshot, 1 << 20, 4096, b)).isTrue();
            assertThat(d.copy(snapshot - 1, 1 << 20, 4096, b)).as("another snapshot's read").isFalse();
            byte[] page = new byte[4096];
            try (FileChannel ch = FileChannel.open(data)) {
                ch.read(ByteBuffer.wrap(page), 1 << 20);
            }
            byte[] copied = new byte[4096];
            b.get(0, copied);
            assertThat(copied).isEqualTo(page);
            s.write(w -> {
                Pfses.writer(w, 0).write(ino, 2 << 20, new byte[64 << 10], 0, 64 << 10);
                return null;
            });
            long newer = s.read(r -> ((LmdbTxn) r).snapshotId());
            assertThat(newer).isGreaterThan(snapshot);
            assertThat(d.copy(newer, 1 << 20, 4096, b)).as("the newer snapshot's read").isFalse();
        }
    }

    /**
     * A piece a reader holds to read a value in place is not read into again until it lets go: the
     * bytes it reads stay the data file's, however much more is asked for meanwhile.
     */
    @Test
    void aPieceHeldByAReaderIsNotReadIntoAgain() throws IOException {
        try (LmdbStore s = openCold()) {
            long snapshot = s.read(r -> ((LmdbTxn) r).snapshotId());
            DirectAhead d = s.directAhead;
            assertThat(d.ask(snapshot, 0, 1 << 20)).isEqualTo(1 << 20);
            DirectAhead.Piece held = d.hold(snapshot, 8192, 4096);
            assertThat(held).as("read, and held").isNotNull();
            assertThat(d.hold(snapshot, (1 << 20) - 4096, 8192)).as("a range past the piece").isNull();
            assertThat(d.hold(snapshot + 1, 8192, 4096)).as("another snapshot's").isNull();
            long more = (long) DirectAhead.PIECES * DirectAhead.PIECE;
            assertThat(d.ask(snapshot, 1 << 20, (1 << 20) + more)).as("every buffer but the held one")
                    .isEqualTo((1 << 20) + more - DirectAhead.PIECE);
            d.close(); // the reads asked for are done or dropped
            byte[] page = new byte[4096];
            try (FileChannel ch = FileChannel.open(data)) {
                ch.read(ByteBuffer.wrap(page), 8192);
            }
            byte[] inPlace = new byte[4096];
            DirectAhead.view(held, 8192, 4096).get(inPlace);
            assertThat(inPlace).isEqualTo(page);
            d.release(held);
        }
    }

    /** At most {@link DirectAhead#PIECES} pieces are held; what does not fit is left to the page cache. */
    @Test
    void theStoresThreadHoldsABoundedNumberOfPieces() throws IOException {
        try (LmdbStore s = openCold()) {
            long snapshot = s.read(r -> ((LmdbTxn) r).snapshotId());
            long asked = (long) DirectAhead.PIECES * DirectAhead.PIECE;
            long fileLength = Files.size(data);
            long taken = s.directAhead.ask(snapshot, 0, asked + (4L << 20));
            assertThat(taken).as("a piece per buffer, then no more").isEqualTo(asked);
            assertThat(fileLength).isPositive();
        }
    }

    /** Closing the store waits for its threads, which stop with pieces still asked for. */
    @Test
    void closingTheStoreStopsItsThreads() throws IOException {
        DirectAhead d;
        try (LmdbStore s = openCold()) {
            long snapshot = s.read(r -> ((LmdbTxn) r).snapshotId());
            d = s.directAhead;
            d.ask(snapshot, 0, 3 << 20);
            assertThat(d.running()).isTrue();
        }
        assertThat(d.running()).isFalse();
        assertThat(d.copy(0, 0, 4096, ByteBuffer.allocateDirect(4096))).as("nothing served once closed").isFalse();
    }

    /** A view of the past asks for the versions it reads: the newest one created by its TID, not the newer. */
    @Test
    void readingAheadAsOfATidAsksForTheVersionsOfThatTid() throws IOException {
        long block = 2 << 20;
        long old;
        try (Store st = Store.open(dir)) {
            old = st.lastTid();
            st.write(w -> {
                Pfses.writer(w, 0).write(ino, block, new byte[64 << 10], 0, 64 << 10);
                return null;
            });
        }
        try (LmdbStore s = LmdbStore.open(dir)) {
            long[] where = s.read(r -> {
                java.util.List<Long> at = new java.util.ArrayList<>();
                r.scan(new org.hammer.core.btree.RecordKey(0, ino, org.hammer.core.btree.RecordType.DATA, block, 0),
                        new org.hammer.core.btree.RecordKey(0, ino, org.hammer.core.btree.RecordType.DATA, block + 1, 0),
                        false, rec -> {
                            ByteBuffer d = r.stored(rec.key()).data();
                            at.add(org.hammer.core.lmdb.Posix.address(d) + d.position());
                            return true;
                        });
                return at.stream().mapToLong(Long::longValue).toArray();
            });
            assertThat(where).as("the block's two versions").hasSize(2);
            s.read(r -> {
                new FsReader(r, 0, old).readAhead(ino, block, block + 1);
                return null;
            });
            assertThat(s.inAskedAhead(where[0], 4096)).as("the version of the TID").isTrue();
            assertThat(s.inAskedAhead(where[1], 4096)).as("the newer version").isFalse();
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(ino, block, block + 1);
                return null;
            });
            assertThat(s.inAskedAhead(where[1], 4096)).as("the newest version, for the newest view").isTrue();
        }
    }

    /** The size of {@link #bigFile}. */
    private static final int BIG = 24 << 20;
    /** Where {@link #bigFile} holds its marker: in a 64 KiB block, past its first page. */
    private static final int BIG_MARKED_AT = (20 << 20) + (16 << 10);

    /** Adds file "big", {@link #BIG} random bytes with {@code marker} at {@link #BIG_MARKED_AT}; its inode. */
    private long bigFile(byte[] marker, int seed) {
        byte[] big = new byte[BIG];
        new Random(seed).nextBytes(big);
        System.arraycopy(marker, 0, big, BIG_MARKED_AT, marker.length);
        try (Store st = Store.open(dir)) {
            return st.write(w -> {
                var fs = Pfses.writer(w, 0);
                long g = fs.mknod(FsReader.ROOT, "big", 0644, 0, 0, 0);
                fs.write(g, 0, big, 0, big.length);
                return g;
            });
        }
    }

    /** The {@code n} bytes of file {@code f} at {@link #BIG_MARKED_AT}. */
    private static byte[] markerOf(LmdbStore s, long f, int n) {
        return s.read(r -> {
            byte[] b = new byte[n];
            Pfses.reader(r, 0).read(f, BIG_MARKED_AT, b, 0, n);
            return b;
        });
    }

    /**
     * Counting a file's stored bytes (st_blocks) reads each block's header, not its data: a fault
     * on the map would read as much around it as the disk's readahead, the whole file at the first
     * stat of a large one.
     */
    @Test
    void countingAFilesBlocksReadsNoneOfTheirData() throws IOException {
        // A file larger than the read-around of the walk's first faults (before it reads ahead).
        byte[] marker = "<<past-the-header-01>>".getBytes(StandardCharsets.US_ASCII);
        long f = bigFile(marker, 12);
        long at = StoreIntegrityTest.offsetOf(data, marker);
        try (LmdbStore s = LmdbStore.open(dir)) {
            assertThat(uncache()).isTrue();
            long stored = s.read(r -> Pfses.reader(r, 0).storedBytes(f, BIG));
            assertThat(stored).isEqualTo(BIG);
            assertThat(Env.resident(s.bounds.base() + (at & -4096L), 4096))
                    .as("a page of a block's data, past its header").isFalse();
            assertThat(markerOf(s, f, marker.length)).isEqualTo(marker);
        }
    }

    /**
     * Asking for a large file's blocks ahead reads none of their data into the page cache: the
     * store's thread reads them past it, and the walk over their keys faults in its leaves alone,
     * not the disk's read-around of each (which would read the blocks around a leaf twice). The
     * range asked for (8 MiB) fits in the store's buffers: what does not is left to the page cache,
     * unless pieces read meanwhile free buffers for it, which depends on how fast the disk is.
     */
    @Test
    void askingForBlocksAheadCachesNoneOfTheirData() throws IOException {
        byte[] marker = "<<asked-ahead-0001>>".getBytes(StandardCharsets.US_ASCII);
        long f = bigFile(marker, 13);
        long at = StoreIntegrityTest.offsetOf(data, marker);
        try (LmdbStore s = LmdbStore.open(dir)) {
            assertThat(uncache()).isTrue();
            s.read(r -> {
                Pfses.reader(r, 0).readAhead(f, BIG_MARKED_AT - (4 << 20), BIG_MARKED_AT + (4 << 20));
                return null;
            });
            assertThat(Env.resident(s.bounds.base() + (at & -4096L), 4096)).as("a page of a block's data").isFalse();
            assertThat(markerOf(s, f, marker.length)).isEqualTo(marker);
        }
    }
}
