package org.hammer.core.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.hammer.core.HammerException;

/**
 * One open LMDB environment per store per process. LMDB forbids opening an environment twice in
 * one process: its locks are per process, so closing either copy drops the other's (a reader of
 * the first could then see pages reused under it). Every {@link Store#open} and
 * {@link Store#create} goes through here; the handles of one store share its environment, which
 * is closed when the last handle is.
 */
final class StoreRegistry {
    private static final Map<Path, Entry> OPEN = new HashMap<>();
    /** Runs before this process opens a store it does not hold open yet (see {@link Store#beforeOpening}). */
    private static volatile Consumer<Path> beforeOpening;

    private StoreRegistry() {
    }

    private static final class Entry {
        final LmdbStore store;
        int handles;

        Entry(LmdbStore store) {
            this.store = store;
        }
    }

    static Store open(Path dir) {
        Path key = key(dir);
        boolean held;
        synchronized (OPEN) {
            held = OPEN.containsKey(key);
        }
        Consumer<Path> hook = beforeOpening;
        if (!held && hook != null) {
            hook.accept(key); // outside the lock: it may wait for another process
        }
        synchronized (OPEN) {
            Entry e = OPEN.get(key);
            if (e == null) {
                e = new Entry(LmdbStore.open(dir));
                OPEN.put(key, e);
            }
            e.handles++;
            return new Handle(key, e.store);
        }
    }

    static Store create(Path dir, String label, long maxSize, int format) {
        LmdbStore s = LmdbStore.create(dir, label, maxSize, format);
        Path key = key(dir);
        synchronized (OPEN) {
            Entry e = new Entry(s);
            e.handles = 1;
            OPEN.put(key, e);
            return new Handle(key, s);
        }
    }

    static StoreHeader changeMaxSize(Path dir, long maxSize) {
        synchronized (OPEN) { // held throughout: this process opens it nowhere meanwhile
            if (OPEN.containsKey(key(dir))) {
                throw HammerException.refused(dir + ": the store is open in this process; its size limit is changed"
                        + " only where no process has it open");
            }
            return LmdbStore.changeMaxSize(dir, maxSize);
        }
    }

    static FormatUpgrade upgradeFormat(Path dir, int to, LongConsumer progress) {
        synchronized (OPEN) { // held throughout, as for changeMaxSize
            if (OPEN.containsKey(key(dir))) {
                throw HammerException.refused(dir + ": the store is open in this process; its format is changed"
                        + " only where no process has it open");
            }
            return LmdbStore.upgradeFormat(dir, to, progress);
        }
    }

    static void beforeOpening(Consumer<Path> hook) {
        beforeOpening = hook;
    }

    /** How many environments this process has open (for tests). */
    static int openEnvironments() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static void release(Path key) {
        LmdbStore last = null;
        synchronized (OPEN) {
            Entry e = OPEN.get(key);
            if (e != null && --e.handles == 0) {
                OPEN.remove(key);
                last = e.store;
            }
        }
        if (last != null) {
            last.close();
        }
    }

    /** One user's hold on a shared store; closing it (once) releases that hold. */
    private static final class Handle implements Store {
        private final Path key;
        private final LmdbStore store;
        private boolean closed;

        Handle(Path key, LmdbStore store) {
            this.key = key;
            this.store = store;
        }

        private LmdbStore store() {
            if (closed) {
                throw new IllegalStateException("store " + store.dir() + " is closed");
            }
            return store;
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
            return store().read(work);
        }

        @Override
        public <T> T readNear(Function<StoreReader, T> work) {
            return store().readNear(work);
        }

        @Override
        public <T> T write(Function<StoreWriter, T> work) {
            return store().write(work);
        }

        @Override
        public <T> T apply(Function<StoreWriter, T> work) {
            return store().apply(work);
        }

        @Override
        public long lastTid() {
            return store().lastTid();
        }

        @Override
        public long commits() {
            return store().commits();
        }

        @Override
        public void sync() {
            store().sync();
        }

        @Override
        public StoreCheck.Totals check(StoreCheck.Listener listener) {
            return store().check(listener);
        }

        @Override
        public long usedBytes() {
            return store().usedBytes();
        }

        @Override
        public long freeBytes() {
            return store().freeBytes();
        }

        @Override
        public long room() {
            return store().room();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }
}
