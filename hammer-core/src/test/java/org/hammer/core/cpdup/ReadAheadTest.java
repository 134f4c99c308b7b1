package org.hammer.core.cpdup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Reading a large file ahead of the walk: the same bytes, the same short reads, nothing left behind. */
@Timeout(60)
class ReadAheadTest {
    @TempDir
    Path dir;
    final ExecutorService executor = Executors.newSingleThreadExecutor();
    final ReadAhead.Buffers buffers = new ReadAhead.Buffers();

    @AfterEach
    void stop() throws InterruptedException {
        executor.shutdown();
        assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private Path file(int size, long seed) throws IOException {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return Files.write(dir.resolve("f" + seed), b);
    }

    /** The piece at {@code at} copied into {@code dst} and given back: its length, or -2 when there is none. */
    private static int read(ReadAhead a, long at, byte[] dst) throws IOException {
        Piece p = a.take(at);
        if (p == null) {
            return -2;
        }
        try {
            int n = p.data().remaining();
            p.data().get(p.data().position(), dst, 0, n);
            return n;
        } finally {
            a.release(p);
        }
    }

    /** What a test does with a read-ahead of a file it opened. */
    private interface Reading {
        void run(ReadAhead a) throws IOException;
    }

    /**
     * Reads {@code f} ahead as a file of {@code size} bytes with checksums {@code sums}, through
     * {@code body}; then closes the read-ahead and checks that every buffer came back.
     */
    private void readAhead(Path f, int size, Piece.Checksums sums, Reading body) throws IOException {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ReadAhead a = new ReadAhead(ch, size, buffers, sums, executor);
            body.run(a);
            a.close();
        }
        assertThat(buffers.free).hasSize(ReadAhead.AHEAD);
    }

    @Test
    void theWalksPiecesArriveInOrderWithTheFilesBytesAndEveryBufferComesBack() throws IOException {
        int size = 37 * FileCopy.PIECE + 12_345; // more pieces than are read ahead, and a partial last one
        Path f = file(size, 1);
        byte[] want = Files.readAllBytes(f);
        byte[] piece = new byte[FileCopy.PIECE];
        readAhead(f, size, Piece.Checksums.NONE, a -> {
            for (long at = 0; at < size; at += FileCopy.PIECE) {
                int len = (int) Math.min(FileCopy.PIECE, size - at);
                assertThat(read(a, at, piece)).isEqualTo(len);
                assertThat(Arrays.equals(piece, 0, len, want, (int) at, (int) at + len)).as("piece at %d", at).isTrue();
            }
            assertThat(read(a, size, piece)).as("past the end: the caller reads for itself").isEqualTo(-2);
        });
    }

    @Test
    void aFileThatShrankGivesAShortPieceAndNothingAfterIt() throws IOException {
        int size = 8 * FileCopy.PIECE;
        Path f = file(size, 2);
        byte[] piece = new byte[FileCopy.PIECE];
        // the file is cut to 2.5 pieces before anything is read ahead
        try (FileChannel w = FileChannel.open(f, StandardOpenOption.WRITE)) {
            w.truncate(2L * FileCopy.PIECE + FileCopy.PIECE / 2);
        }
        readAhead(f, size, Piece.Checksums.NONE, a -> {
            assertThat(read(a, 0, piece)).isEqualTo(FileCopy.PIECE);
            assertThat(read(a, FileCopy.PIECE, piece)).isEqualTo(FileCopy.PIECE);
            assertThat(read(a, 2L * FileCopy.PIECE, piece)).isEqualTo(FileCopy.PIECE / 2);
            assertThat(read(a, 3L * FileCopy.PIECE, piece)).as("nothing follows a short piece").isEqualTo(-2);
        });
    }

    /** A failure making a piece's checksums reaches the walk as a read error, not as a piece it waits for. */
    @Test
    void aFailureMakingChecksumsReachesTheWalkAndEveryBufferComesBack() throws IOException {
        int size = 6 * FileCopy.PIECE;
        Path f = file(size, 5);
        Piece.Checksums failing = (offset, data) -> {
            if (offset >= 2L * FileCopy.PIECE) {
                throw new IllegalStateException("no checksums here");
            }
            return new int[] {1};
        };
        byte[] piece = new byte[FileCopy.PIECE];
        readAhead(f, size, failing, a -> {
            assertThat(read(a, 0, piece)).isEqualTo(FileCopy.PIECE);
            assertThat(read(a, FileCopy.PIECE, piece)).isEqualTo(FileCopy.PIECE);
            assertThatThrownBy(() -> a.take(2L * FileCopy.PIECE)).isInstanceOf(IOException.class)
                    .hasMessageContaining("offset " + 2 * FileCopy.PIECE).hasMessageContaining("no checksums here");
            assertThat(a.take(3L * FileCopy.PIECE)).as("nothing follows a failure").isNull();
        });
    }

    @Test
    void anOutOfOrderReadIsLeftToTheCallerAndClosingAReaderThatWaitsForBuffersEndsIt() throws Exception {
        int size = 40 * FileCopy.PIECE;
        Path f = file(size, 3);
        byte[] piece = new byte[FileCopy.PIECE];
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ReadAhead a = new ReadAhead(ch, size, buffers, Piece.Checksums.NONE, executor);
            assertThat(read(a, 5L * FileCopy.PIECE, piece)).isEqualTo(-2);
            // let the reader fill every buffer and wait for one
            for (int i = 0; i < 200 && !buffers.free.isEmpty(); i++) {
                Thread.sleep(10);
            }
            assertThat(buffers.free).isEmpty();
            a.close();
        }
        assertThat(buffers.free).hasSize(ReadAhead.AHEAD);
        // the executor's thread is free again: another read-ahead runs on it
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ReadAhead b = new ReadAhead(ch, size, buffers, Piece.Checksums.NONE, executor);
            assertThat(read(b, 0, piece)).isEqualTo(FileCopy.PIECE);
            b.close();
        }
    }

    @Test
    void aLargeFileCopiedThroughTheLocalSourceIsTheSameAndItsReaderThreadEndsWithTheSession()
            throws IOException, InterruptedException {
        int size = 9 * FileCopy.PIECE + 7;
        Path f = file(size, 4);
        byte[] want = Files.readAllBytes(f);
        LocalSource src = new LocalSource(dir, PfsTarget::checksums);
        byte[] got = new byte[size];
        src.session(() -> {
            for (long at = 0; at < size; at += FileCopy.PIECE) {
                Piece p = src.piece(f, at);
                assertThat(p).as("piece at %d read ahead", at).isNotNull();
                int len = (int) Math.min(FileCopy.PIECE, size - at);
                assertThat(p.data().remaining()).isEqualTo(len);
                p.data().get(p.data().position(), got, (int) at, len);
                assertThat(p.runs()).as("random bytes: one run").hasSize(1);
                assertThat(p.runs().get(0).crcs()).as("checksums made as read")
                        .isEqualTo(PfsTarget.checksums(at, p.bytes(p.runs().get(0))));
                src.release(p);
            }
            assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("hammer-read-ahead"));
        });
        assertThat(got).isEqualTo(want);
        boolean running = true;
        for (int i = 0; i < 500 && running; i++) {
            running = Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("hammer-read-ahead"));
            if (running) {
                Thread.sleep(10);
            }
        }
        assertThat(running).as("the reader thread ended with the session").isFalse();
    }
}
