package org.hammer.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hammer.core.HammerException;
import org.hammer.core.tid.Tid;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.EnvInfo;
import org.lmdbjava.Txn;

/** The LMDB environment behind a {@link Store}: DBIs {@code records}, {@code changes} and {@code meta}. */
final class LmdbStore implements Store {

    static final String META_TID = "tid";

    private final Path dir;
    private final StoreHeader header;
    private final Env<ByteBuffer> env;
    final Dbi<ByteBuffer> records;
    final Dbi<ByteBuffer> changes;
    final Dbi<ByteBuffer> meta;
    private volatile boolean closed;
    /** A commit since the last sync: its meta page may not be on disk yet (MDB_NOMETASYNC). */
    private volatile boolean unsynced;
    private final Preallocator preallocator;
    private final long pageSize;

    private LmdbStore(Path dir, StoreHeader header) {
        this.dir = dir;
        this.header = header;
        try {
            this.env = Env.create()
                    .setMapSize(header.maxSize())
                    .setMaxDbs(4)
                    .setMaxReaders(1024)
                    .open(dir.toFile(), EnvFlags.MDB_NOTLS, EnvFlags.MDB_NOMETASYNC);
            this.records = env.openDbi("records", DbiFlags.MDB_CREATE, DbiFlags.MDB_UNSIGNEDKEY);
            this.changes = env.openDbi("changes", DbiFlags.MDB_CREATE, DbiFlags.MDB_UNSIGNEDKEY);
            this.meta = env.openDbi("meta", DbiFlags.MDB_CREATE, DbiFlags.MDB_UNSIGNEDKEY);
            this.pageSize = env.stat().pageSize;
            this.preallocator = new Preallocator(dir.resolve("data.mdb"));
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "open", e);
        }
    }

    static LmdbStore create(Path dir, String label, long maxSize) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw HammerException.failure(dir + ": exists and is not a directory");
                }
                try (Stream<Path> s = Files.list(dir)) {
                    if (s.findAny().isPresent()) {
                        throw HammerException.refused(dir + ": directory is not empty");
                    }
                }
            }
            Files.createDirectories(dir);
            StoreHeader h = new StoreHeader(StoreHeader.FORMAT_VERSION, label, UUID.randomUUID(), maxSize);
            LmdbStore store = new LmdbStore(dir, h);
            store.apply(w -> {
                w.raiseTid(Tid.FIRST - 1);
                return null;
            });
            h.write(dir);
            return store;
        } catch (IOException e) {
            throw HammerException.failure(dir + ": " + e.getMessage());
        }
    }

    static LmdbStore open(Path dir) {
        StoreHeader h = StoreHeader.read(dir);
        return new LmdbStore(dir, h);
    }

    @Override
    public Path dir() {
        return dir;
    }

    @Override
    public StoreHeader header() {
        return header;
    }

    @Override
    public <T> T read(Function<StoreReader, T> work) {
        checkOpen();
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            return work.apply(new LmdbTxn(this, txn, false, false));
        } catch (HammerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "read", e);
        }
    }

    @Override
    public <T> T write(Function<StoreWriter, T> work) {
        return writeTxn(work, true);
    }

    @Override
    public <T> T apply(Function<StoreWriter, T> work) {
        return writeTxn(work, false);
    }

    private <T> T writeTxn(Function<StoreWriter, T> work, boolean allocateTid) {
        checkOpen();
        try (Txn<ByteBuffer> txn = env.txnWrite()) {
            LmdbTxn t = new LmdbTxn(this, txn, true, allocateTid);
            T result = work.apply(t);
            t.finish();
            txn.commit();
            unsynced = true;
            preallocator.committed(usedBytes());
            return result;
        } catch (HammerException e) {
            throw e;
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "write", e);
        }
    }

    @Override
    public long lastTid() {
        return read(StoreReader::lastTid);
    }

    @Override
    public void sync() {
        checkOpen();
        try {
            unsynced = false;
            env.sync(true);
        } catch (RuntimeException e) {
            throw LmdbErrors.translate(dir, "sync", e);
        }
    }

    @Override
    public long usedBytes() {
        EnvInfo info = env.info();
        return (info.lastPageNumber + 1) * pageSize;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("store " + dir + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            try {
                if (unsynced) {
                    sync();
                }
            } finally {
                closed = true;
                env.close();
            }
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
