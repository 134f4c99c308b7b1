package org.hammer.core.store;

import java.nio.file.Path;
import java.util.function.Function;

/** A store that passes every call to another: tests override the calls they make fail. */
public abstract class ForwardingStore implements Store {
    protected final Store store;

    protected ForwardingStore(Store store) {
        this.store = store;
    }

    @Override
    public Path dir() {
        return store.dir();
    }

    @Override
    public StoreHeader header() {
        return store.header();
    }

    @Override
    public <T> T read(Function<StoreReader, T> work) {
        return store.read(work);
    }

    @Override
    public <T> T readNear(Function<StoreReader, T> work) {
        return store.readNear(work);
    }

    @Override
    public <T> T write(Function<StoreWriter, T> work) {
        return store.write(work);
    }

    @Override
    public <T> T apply(Function<StoreWriter, T> work) {
        return store.apply(work);
    }

    @Override
    public long lastTid() {
        return store.lastTid();
    }

    @Override
    public long commits() {
        return store.commits();
    }

    @Override
    public StoreCheck.Totals check(StoreCheck.Listener listener) {
        return store.check(listener);
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public long usedBytes() {
        return store.usedBytes();
    }

    @Override
    public long freeBytes() {
        return store.freeBytes();
    }

    @Override
    public long room() {
        return store.room();
    }

    @Override
    public void close() {
        store.close();
    }
}
