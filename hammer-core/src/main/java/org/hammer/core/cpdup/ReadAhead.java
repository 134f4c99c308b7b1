package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Reads one large local file ahead of the walk that copies it, on a thread of its own, in the
 * walk's pieces ({@link FileCopy#PIECE}), at most {@link #AHEAD} of them ahead. The walk copies
 * a piece into the store and commits a batch (which waits for the disk) while the next pieces
 * are read: the reading no longer waits its turn. The reading thread also finds the piece's runs
 * of data between holes and makes their checksums ({@link Piece#runs}), and the walk writes them
 * from the buffer they were read into. Each piece is read with positional reads of
 * the walk's own channel, from the offset the walk will ask for next, up to the size the file had
 * when opened; a file that shrank gives a short piece, as a read would, and a read error is
 * handed to the walk at the offset it happened.
 */
final class ReadAhead implements AutoCloseable {
    /** Pieces read ahead at most (and buffers held: AHEAD × PIECE bytes of direct memory). */
    static final int AHEAD = 16;
    /** Files at least this large are read ahead; smaller ones end before it would pay. */
    static final long MIN_SIZE = 4L * FileCopy.PIECE;

    /** A piece read, or the failure of reading it. */
    private record Item(Piece piece, IOException error) {
    }

    /** The buffers of every read-ahead of one copy: reused from file to file. */
    static final class Buffers {
        final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(AHEAD);

        Buffers() {
            for (int i = 0; i < AHEAD; i++) {
                free.add(ByteBuffer.allocateDirect(FileCopy.PIECE));
            }
        }
    }

    private final FileChannel channel;
    private final long size;
    private final Buffers buffers;
    private final Piece.Checksums sums;
    private final BlockingQueue<Item> ready = new ArrayBlockingQueue<>(AHEAD + 1);
    private final Future<?> task;
    private volatile boolean stop;
    /** The offset the walk reads next if it keeps to the order of the pieces. */
    private long next;
    /** A short piece or a failure was handed over: nothing follows it. */
    private boolean ended;

    /**
     * Starts reading {@code channel} (of {@code size} bytes) from its start on {@code executor},
     * each piece's runs of data checksummed by {@code sums}.
     */
    ReadAhead(FileChannel channel, long size, Buffers buffers, Piece.Checksums sums, ExecutorService executor) {
        this.channel = channel;
        this.size = size;
        this.buffers = buffers;
        this.sums = sums;
        this.task = executor.submit(this::run);
    }

    private void run() {
        long at = 0;
        try {
            while (!stop && at < size) {
                ByteBuffer b = buffers.free.take();
                if (stop) {
                    buffers.free.add(b);
                    return;
                }
                int want = (int) Math.min(FileCopy.PIECE, size - at);
                b.clear().limit(want);
                List<Piece.Run> runs;
                try {
                    while (b.hasRemaining() && channel.read(b, at + b.position()) >= 0) {
                        // a positional read may return less than asked: read on to the end of the piece
                    }
                    runs = Piece.runs(b.flip(), at, sums);
                } catch (IOException | RuntimeException e) {
                    // handed to the walk, which would otherwise wait for this piece for ever
                    buffers.free.add(b);
                    ready.add(new Item(null, e instanceof IOException io ? io
                            : new IOException("reading ahead at offset " + at + ": " + e, e)));
                    return;
                }
                int n = b.remaining();
                ready.add(new Item(new Piece(b, runs), null));
                if (n < want) {
                    return; // the file ended early: the walk sees the short piece
                }
                at += n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The piece at {@code offset}, whose data has fewer than {@link FileCopy#PIECE} bytes only where
     * the file ended; or null when the walk asks for another offset than the next piece's, or past
     * the last one read (the caller then reads for itself). Give it back with {@link #release}.
     */
    Piece take(long offset) throws IOException {
        if (ended || offset != next || offset >= size) {
            return null;
        }
        Item p;
        try {
            p = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading ahead", e);
        }
        if (p.error() != null) {
            ended = true;
            throw p.error();
        }
        int got = p.piece().data().remaining();
        next = offset + got;
        ended = got < Math.min(FileCopy.PIECE, size - offset);
        return p.piece();
    }

    /** Gives a piece's buffer back, to be read into again. */
    void release(Piece p) {
        buffers.free.add(p.data());
    }

    /** Stops reading ahead and gives every buffer back; the channel stays open (the caller's). */
    @Override
    public void close() {
        stop = true;
        drain();
        try {
            task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            // run() catches its own failures: nothing reaches here
        }
        drain();
    }

    private void drain() {
        for (Item p; (p = ready.poll()) != null; ) {
            if (p.piece() != null) {
                release(p.piece());
            }
        }
    }
}
