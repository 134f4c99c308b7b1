package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local directory tree as the source of a copy. A large file is read ahead of the walk on a
 * thread of its own ({@link ReadAhead}), so that its reading overlaps the store's work.
 */
final class LocalSource implements SourceTree<Path> {
    private final Path root;
    private final Piece.Checksums sums;
    private Path reading;
    private FileChannel channel;
    private ReadAhead ahead;
    private ReadAhead.Buffers buffers;
    private ExecutorService reader;

    LocalSource(Path root) {
        this(root, Piece.Checksums.NONE);
    }

    /** A tree whose large files' pieces come with the checksums {@code sums} makes as they are read. */
    LocalSource(Path root, Piece.Checksums sums) {
        this.root = root.toAbsolutePath().normalize();
        this.sums = sums;
    }

    @Override
    public void session(Runnable body) {
        try {
            body.run();
        } finally {
            doneReading(reading);
            if (reader != null) {
                reader.shutdown();
                reader = null;
            }
            buffers = null;
        }
    }

    @Override
    public Path root() {
        return root;
    }

    @Override
    public Meta stat(Path node) {
        try {
            return LocalFiles.stat(node);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw LocalFiles.failure(node, "cannot stat", e);
        }
    }

    @Override
    public List<String> list(Path dir) {
        return LocalFiles.list(dir);
    }

    @Override
    public Path child(Path dir, String name) {
        return dir.resolve(name);
    }

    @Override
    public String readlink(Path node) {
        return LocalFiles.readlink(node);
    }

    @Override
    public SortedMap<String, byte[]> xattrs(Path node, Meta meta) {
        return meta.isRegular() || meta.isDir() ? LocalFiles.xattrs(node) : Collections.emptySortedMap();
    }

    @Override
    public Piece piece(Path node, long offset) {
        try {
            open(node, offset == 0);
            if (ahead == null) {
                return null;
            }
            Piece p = ahead.take(offset);
            if (p == null) {
                ahead.close(); // out of order: read here from now on
                ahead = null;
            }
            return p;
        } catch (IOException e) {
            throw LocalFiles.failure(node, "cannot read", e);
        }
    }

    @Override
    public void release(Piece p) {
        if (buffers != null) {
            buffers.free.offer(p.data()); // every read-ahead of the session shares these buffers
        }
    }

    @Override
    public int read(Path node, long offset, byte[] dst, int len) {
        try {
            open(node, false);
            if (ahead != null) {
                ahead.close(); // read here from now on
                ahead = null;
            }
            ByteBuffer b = ByteBuffer.wrap(dst, 0, len);
            while (b.hasRemaining()) {
                int k = channel.read(b, offset + b.position());
                if (k < 0) {
                    break;
                }
            }
            return b.position();
        } catch (IOException e) {
            throw LocalFiles.failure(node, "cannot read", e);
        }
    }

    /**
     * Opens {@code node} unless it is the file being read; with {@code readAhead} (a piece asked
     * for from its start), a large one is read ahead.
     */
    private void open(Path node, boolean readAhead) throws IOException {
        if (!node.equals(reading)) {
            doneReading(reading);
            channel = FileChannel.open(node, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            reading = node;
            long size = channel.size();
            if (readAhead && size >= ReadAhead.MIN_SIZE) {
                ahead = new ReadAhead(channel, size, buffers(), sums, reader());
            }
        }
    }

    @Override
    public void doneReading(Path node) {
        if (ahead != null) {
            ahead.close();
            ahead = null;
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing was written through it; a failed close loses nothing.
            }
            channel = null;
            reading = null;
        }
    }

    private ReadAhead.Buffers buffers() {
        if (buffers == null) {
            buffers = new ReadAhead.Buffers();
        }
        return buffers;
    }

    private ExecutorService reader() {
        if (reader == null) {
            reader = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "hammer-read-ahead");
                t.setDaemon(true);
                return t;
            });
        }
        return reader;
    }

    @Override
    public String describe() {
        return root.toString();
    }
}
