package org.hammer.cli.fuse;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreWriter;

/**
 * The mount's single writer: every change runs on its thread, grouped into store write
 * transactions that commit after {@value #MAX_DELAY_MS} ms, {@value #MAX_BYTES} bytes of data, or
 * an fsync — HAMMER's flusher in miniature. Changes are acknowledged before their commit, so
 * while some are uncommitted every read of the mount runs inside the open transaction too
 * (read-your-writes); otherwise reads run in parallel on snapshots. {@link #sync()} commits and
 * forces the store to disk: what it acknowledges survives a kill -9 of the daemon.
 */
final class Committer implements AutoCloseable {
    static final long MAX_DELAY_MS = 50;
    static final long MAX_BYTES = 32L << 20;

    private static final boolean DEBUG = Boolean.getBoolean("hammer.debug");
    private final Store store;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final Task<Void> stop = new Task<>(Kind.STOP, null, 0);
    private volatile boolean dirty;
    private volatile boolean closed;
    /** A commit that failed after its changes were acknowledged, reported by the next sync. */
    private volatile RuntimeException lost;

    private enum Kind { READ, WRITE, SYNC, STOP }

    /** The open write transaction as the tasks see it. */
    static final class Txn {
        private final StoreWriter w;
        private final Set<Integer> opened = new HashSet<>();

        Txn(StoreWriter w) {
            this.w = new ClockedWriter(w);
        }

        /** A writer of {@code pfs}; the first one per transaction goes through {@link Pfses#writer}. */
        FsWriter writer(int pfs) {
            if (opened.add(pfs)) {
                Pfses.writer(w, pfs);
            }
            return new FsWriter(w, pfs);
        }
    }

    private static final class Task<T> {
        final Kind kind;
        final Function<Ctx, T> work;
        final long bytes;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Task(Kind kind, Function<Ctx, T> work, long bytes) {
            this.kind = kind;
            this.work = work;
            this.bytes = bytes;
        }
    }

    Committer(Store store) {
        this.store = store;
        this.thread = new Thread(this::loop, "hammer-committer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs a read: on a snapshot, or inside the open transaction while changes are uncommitted. */
    <T> T read(Function<Ctx, T> work) {
        if (!dirty) {
            return store.read(r -> work.apply(new Ctx(r, null)));
        }
        return submit(new Task<>(Kind.READ, work, 0));
    }

    /** Runs a change in the open write transaction; {@code bytes} counts towards its size limit. */
    <T> T write(Function<Ctx, T> work, long bytes) {
        return submit(new Task<>(Kind.WRITE, work, bytes));
    }

    /** Commits what is pending and forces the store to stable storage; EIO if a commit was lost. */
    void sync() {
        submit(new Task<Void>(Kind.SYNC, null, 0));
    }

    private <T> T submit(Task<T> t) {
        if (closed) {
            throw new FsException(Errno.EIO, "the mount is closing");
        }
        queue.add(t);
        try {
            return t.result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    private void loop() {
        try {
            while (true) {
                Task<?> t = queue.take();
                if (t == stop) {
                    return;
                }
                switch (t.kind) {
                    case READ -> store.read(r -> run(t, new Ctx(r, null)));
                    case SYNC -> finishSync(t);
                    default -> transaction(t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            System.err.println("hammer mount: the writer thread failed: " + e);
            e.printStackTrace();
            closed = true;
            failAll(e);
        }
    }

    /** One write transaction: {@code first} and whatever follows within the delay and size limits. */
    private void transaction(Task<?> first) {
        Batch b = new Batch(first);
        long start = System.nanoTime();
        try {
            store.write(w -> {
                b.run(new Ctx(new ClockedWriter(w), new Txn(w)));
                return null;
            });
        } catch (RuntimeException e) {
            lost = e;
            System.err.println("hammer mount: a commit failed, its changes are lost: " + e.getMessage());
        }
        dirty = false;
        if (DEBUG) {
            System.err.printf("txn: %d tasks, %d bytes, open %.1f ms, commit %.1f ms%n", b.tasks, b.bytes,
                    (b.end - start) / 1e6, (System.nanoTime() - b.end) / 1e6);
        }
        if (b.last == stop) {
            queue.add(stop);
        } else if (b.last != null) {
            finishSync(b.last);
        }
    }

    /** The tasks of one transaction, run on the writer thread inside it. */
    private final class Batch {
        private final Task<?> first;
        /** The sync or stop that ended the batch, if one did. */
        Task<?> last;
        int tasks;
        long bytes;
        long end;

        Batch(Task<?> first) {
            this.first = first;
        }

        void run(Ctx ctx) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_DELAY_MS);
            Task<?> t = first;
            while (t != null) {
                if (t.kind == Kind.SYNC || t == stop) {
                    last = t;
                    break;
                }
                tasks++;
                if (t.kind == Kind.WRITE) {
                    dirty = true;
                    bytes += t.bytes;
                }
                Committer.this.run(t, ctx);
                long wait = deadline - System.nanoTime();
                t = bytes >= MAX_BYTES || wait <= 0 ? null : next(wait);
            }
            end = System.nanoTime();
        }

        private Task<?> next(long waitNanos) {
            try {
                return queue.poll(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Runs one task; a failure other than an errno aborts the whole transaction. */
    private <T> Void run(Task<T> t, Ctx ctx) {
        try {
            t.result.complete(t.work.apply(ctx));
        } catch (FsException e) {
            t.result.completeExceptionally(e);
        } catch (RuntimeException e) {
            t.result.completeExceptionally(e);
            if (t.kind == Kind.WRITE) {
                throw e;
            }
        }
        return null;
    }

    private void finishSync(Task<?> t) {
        try {
            store.sync();
            RuntimeException l = lost;
            lost = null;
            if (l != null) {
                throw new FsException(Errno.EIO, "an earlier commit failed: " + l.getMessage());
            }
            t.result.complete(null);
        } catch (RuntimeException e) {
            t.result.completeExceptionally(e);
        }
    }

    private void failAll(Throwable cause) {
        Task<?> t;
        while ((t = queue.poll()) != null) {
            t.result.completeExceptionally(new FsException(Errno.EIO, "the writer thread failed: " + cause));
        }
    }

    /** Commits what is pending, syncs, and stops the writer thread. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            sync();
        } catch (HammerException e) {
            System.err.println("hammer mount: final sync failed: " + e.getMessage());
        }
        closed = true;
        queue.add(stop);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new IllegalStateException("closed"));
    }
}
