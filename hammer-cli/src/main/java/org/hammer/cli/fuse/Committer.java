package org.hammer.cli.fuse;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.OpenFiles;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreWriter;

/**
 * The mount's single writer: every change runs on its thread, grouped into store write
 * transactions that commit after {@value #MAX_DELAY_MS} ms, {@value #MAX_BYTES} bytes of data, or
 * an fsync — HAMMER's flusher in miniature. {@link #sync()} commits and forces the store to disk:
 * what it acknowledges survives a kill -9 of the daemon.
 *
 * <p>Changes are acknowledged before their commit. Namespace and attribute changes run before
 * they are acknowledged; file data is written back: {@link #writeBehind} queues a write and
 * returns at once (up to {@value #MAX_QUEUED} bytes queued), so writers go on while a
 * transaction commits, and an error it meets is kept on its handle for the next flush or fsync,
 * as a local filesystem reports a failed write-back.
 *
 * <p>Reads see every acknowledged change (read-your-writes): a read that depends on an object's
 * data or size ({@link #readData}) queues behind that object's written-back data while some is
 * uncommitted; any other read runs on a snapshot in the caller's thread, or — while an
 * acknowledged change is uncommitted — inside the open transaction, ahead of queued data.
 *
 * <p>While a transaction is open and the writer thread waits for tasks, callers run their reads,
 * and changes that no queued change precedes (not even one the writer has taken off the queue
 * and not run yet), in it directly on their own threads, one at a time
 * under {@link #lock}, instead of handing them over: a file create then costs no thread switch.
 * LMDB's rule of one thread per transaction at a time holds: the writer thread runs nothing in
 * the transaction while it waits, and holds the lock from the end of the wait through the commit.
 */
final class Committer implements AutoCloseable {
    static final long MAX_DELAY_MS = 50;
    static final long MAX_BYTES = 32L << 20;
    static final long MAX_QUEUED = 64L << 20;

    private static final boolean DEBUG = Boolean.getBoolean("hammer.debug");
    private final Store store;
    private final OpenFiles open;
    /** Tasks in order; reads that need not wait for queued data go in at the front. */
    private final BlockingDeque<Task<?>> queue = new LinkedBlockingDeque<>();
    private final MountProbe probe;
    private final Thread thread;
    private final Task<Void> stop = new Task<>(Kind.STOP, null, 0);
    /** An acknowledged namespace or attribute change is not committed yet. */
    private volatile boolean dirty;
    /**
     * Changes handed to the writer thread and not yet run. The writer may have taken one off the
     * queue and not yet run it, so an empty queue does not mean nothing precedes a new change.
     */
    private final AtomicInteger pendingChanges = new AtomicInteger();
    /** Per object, its written-back data queued or uncommitted. */
    private final ConcurrentHashMap<Node, AtomicInteger> unsettled = new ConcurrentHashMap<>();
    /** Room for queued written-back data, in KiB. */
    private final Semaphore budget = new Semaphore((int) (MAX_QUEUED >> 10));
    private volatile boolean closed;
    private final ReentrantLock lock = new ReentrantLock();
    /** The open transaction, while the writer thread waits for tasks in it. Guarded by {@link #lock}. */
    private Ctx current;
    /** A change run directly in the open transaction failed: the transaction is abandoned. Guarded by {@link #lock}. */
    private RuntimeException broken;
    /** A commit that failed after its changes were acknowledged, reported by the next sync. */
    private volatile RuntimeException lost;

    private enum Kind { READ, WRITE, BEHIND, SYNC, STOP }

    /** The open write transaction as the tasks see it. */
    static final class Txn {
        private final StoreWriter w;
        private final OpenFiles open;
        private final Set<Integer> opened = new HashSet<>();

        Txn(StoreWriter w, OpenFiles open) {
            this.w = new ClockedWriter(w);
            this.open = open;
        }

        /**
         * A writer of {@code pfs} that keeps open files as orphans; the first one per transaction
         * goes through {@link Pfses#writer}.
         */
        FsWriter writer(int pfs) {
            if (opened.add(pfs)) {
                Pfses.writer(w, pfs);
            }
            return new FsWriter(w, pfs, open);
        }
    }

    private static final class Task<T> {
        final Kind kind;
        final Function<Ctx, T> work;
        final long bytes;
        final CompletableFuture<T> result = new CompletableFuture<>();
        /** For written-back data: the handle its errors go to. */
        Handles.Handle handle;

        Task(Kind kind, Function<Ctx, T> work, long bytes) {
            this.kind = kind;
            this.work = work;
            this.bytes = bytes;
        }

        boolean changes() {
            return kind == Kind.WRITE || kind == Kind.BEHIND;
        }
    }

    Committer(Store store) {
        this(store, OpenFiles.NONE);
    }

    /** A committer whose writers keep what {@code open} has open as orphans when its last name goes. */
    Committer(Store store, OpenFiles open) {
        this(store, open, MountProbe.NONE);
    }

    /** As above, telling {@code probe} how long each commit took (metrics). */
    Committer(Store store, OpenFiles open, MountProbe probe) {
        this.probe = probe;
        this.store = store;
        this.open = open;
        this.thread = new Thread(this::loop, "hammer-committer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Bytes written back and not yet committed (what the queue's budget holds), for the metrics. */
    long queuedBytes() {
        return (MAX_QUEUED >> 10) - budget.availablePermits() << 10;
    }

    /** Changes waiting for the writer thread, for the metrics. */
    int queuedTasks() {
        return queue.size();
    }

    /** Runs a read that does not depend on any object's data or size (see {@link #readData}). */
    <T> T read(Function<Ctx, T> work) {
        if (dirty) {
            lock.lock();
            try {
                if (current != null) {
                    return work.apply(current);
                }
                // No transaction is open: the writer thread has committed (it clears dirty first).
            } finally {
                lock.unlock();
            }
        }
        return store.read(r -> work.apply(new Ctx(r, null)));
    }

    /** Runs a read of {@code n}'s data or attributes: after its written-back data, if any is unsettled. */
    <T> T readData(Node n, Function<Ctx, T> work) {
        if (!unsettled(n)) {
            return read(work);
        }
        return submit(new Task<>(Kind.READ, work, 0), false);
    }

    /** True while no object has written-back data queued or uncommitted. */
    boolean settled() {
        return unsettled.isEmpty();
    }

    private boolean unsettled(Node n) {
        AtomicInteger c = unsettled.get(n);
        return c != null && c.get() > 0;
    }

    /** Runs a change in the open write transaction; {@code bytes} counts towards its size limit. */
    <T> T write(Function<Ctx, T> work, long bytes) {
        if (bytes == 0) {
            lock.lock();
            try {
                if (current != null && broken == null && pendingChanges.get() == 0) {
                    dirty = true;
                    try {
                        return work.apply(current);
                    } catch (FsException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        broken = e;
                        queue.addFirst(new Task<Void>(Kind.READ, ctx -> null, 0)); // wakes the writer to abandon it
                        throw failure(e);
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        return submit(new Task<>(Kind.WRITE, work, bytes), false);
    }

    /**
     * Queues a write of {@code bytes} of file data through handle {@code h} and returns without
     * waiting for it, once the queue has room for it.
     */
    void writeBehind(Handles.Handle h, Function<Ctx, ?> work, int bytes) {
        if (closed) {
            throw new FsException(Errno.EIO, "the mount is closing");
        }
        budget.acquireUninterruptibly(permits(bytes));
        Task<Object> t = new Task<>(Kind.BEHIND, work::apply, bytes);
        t.handle = h;
        h.queued.incrementAndGet();
        unsettled.computeIfAbsent(h.node, k -> new AtomicInteger()).incrementAndGet();
        pendingChanges.incrementAndGet();
        queue.addLast(t);
    }

    private static int permits(long bytes) {
        return (int) Math.min(MAX_QUEUED >> 10, (bytes + 1023) >> 10);
    }

    /** Waits until every write queued through {@code h} has run; returns (and clears) its error. */
    FsException drain(Handles.Handle h) {
        if (h.queued.get() > 0) {
            submit(new Task<Void>(Kind.READ, ctx -> null, 0), false);
        }
        return h.takeError();
    }

    /** Commits what is pending and forces the store to stable storage; EIO if a commit was lost. */
    void sync() {
        submit(new Task<Void>(Kind.SYNC, null, 0), false);
    }

    private <T> T submit(Task<T> t, boolean first) {
        if (closed) {
            throw new FsException(Errno.EIO, "the mount is closing");
        }
        if (t.changes()) {
            pendingChanges.incrementAndGet();
        }
        if (first) {
            queue.addFirst(t);
        } else {
            queue.addLast(t);
        }
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
        lock.lock();
        try {
            store.write(w -> {
                Ctx ctx = new Ctx(new ClockedWriter(w), new Txn(w, open));
                current = ctx;
                try {
                    b.run(ctx);
                } finally {
                    current = null;
                }
                if (broken != null) {
                    throw broken;
                }
                return null;
            });
            probe.committed(System.nanoTime() - start);
        } catch (RuntimeException e) {
            lost = e;
            System.err.println("hammer mount: a commit failed, its changes are lost: " + e.getMessage());
            FsException failure = failure(e);
            b.written.forEach(t -> t.handle.failed(failure));
        } finally {
            broken = null;
            dirty = false;
            lock.unlock();
        }
        b.written.forEach(this::settle);
        if (DEBUG) {
            System.err.printf("txn: %d tasks, %d bytes, open %.1f ms (idle %.1f), commit %.1f ms%n", b.tasks,
                    b.bytes, (b.end - start) / 1e6, b.idle / 1e6, (System.nanoTime() - b.end) / 1e6);
        }
        if (b.last == stop) {
            queue.addLast(stop);
        } else if (b.last != null) {
            finishSync(b.last);
        }
    }

    /** The tasks of one transaction, run on the writer thread inside it. */
    private final class Batch {
        private final Task<?> first;
        /** The sync or stop that ended the batch, if one did. */
        Task<?> last;
        /** The written-back tasks this transaction holds. */
        final List<Task<?>> written = new ArrayList<>();
        int tasks;
        long bytes;
        long end;
        /** Time spent waiting for the next task. */
        long idle;

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
                }
                if (t.kind == Kind.BEHIND) {
                    written.add(t);
                }
                if (t.changes()) {
                    bytes += t.bytes;
                }
                Committer.this.run(t, ctx);
                long wait = deadline - System.nanoTime();
                t = bytes >= MAX_BYTES || wait <= 0 || broken != null ? null : next(wait);
            }
            end = System.nanoTime();
        }

        private Task<?> next(long waitNanos) {
            Task<?> t = queue.pollFirst();
            if (t != null) {
                return t;
            }
            long start = System.nanoTime();
            lock.unlock(); // callers may run in the transaction meanwhile
            try {
                return queue.pollFirst(waitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                lock.lock();
                idle += System.nanoTime() - start;
            }
        }
    }

    /** Runs one task; a failure other than an errno aborts the whole transaction. */
    private <T> Void run(Task<T> t, Ctx ctx) {
        try {
            if (t.handle != null && t.handle.error() != null) {
                // After a failed write the file ends there: later ones would leave holes.
                t.result.complete(null);
                return null;
            }
            t.result.complete(t.work.apply(ctx));
        } catch (FsException e) {
            failed(t, e);
        } catch (RuntimeException e) {
            failed(t, failure(e));
            if (t.changes()) {
                throw e;
            }
        } finally {
            done(t);
        }
        return null;
    }

    /** A task ran or was dropped: it no longer precedes changes, nor holds its handle or the queue's room. */
    private void done(Task<?> t) {
        if (t.changes()) {
            pendingChanges.decrementAndGet();
        }
        if (t.kind == Kind.BEHIND) {
            t.handle.queued.decrementAndGet();
            budget.release(permits(t.bytes));
        }
    }

    /** The errno a failed change or commit shows: ENOSPC when the store or its disk is full, else EIO. */
    private static FsException failure(RuntimeException e) {
        if (Store.isOutOfSpace(e)) {
            return new FsException(Errno.ENOSPC, "the store is full: " + e.getMessage());
        }
        return new FsException(Errno.EIO, String.valueOf(e.getMessage()));
    }

    private static void failed(Task<?> t, FsException e) {
        t.result.completeExceptionally(e);
        if (t.handle != null) {
            t.handle.failed(e);
        }
    }

    /** Written-back data is committed (or lost): reads of its object need not queue behind it. */
    private void settle(Task<?> t) {
        unsettled.computeIfPresent(t.handle.node, (k, c) -> c.decrementAndGet() == 0 ? null : c);
    }

    private void finishSync(Task<?> t) {
        try {
            store.sync();
            RuntimeException l = lost;
            lost = null;
            if (l != null) {
                FsException f = failure(l);
                throw new FsException(f.errno(), "an earlier commit failed: " + l.getMessage());
            }
            t.result.complete(null);
        } catch (RuntimeException e) {
            t.result.completeExceptionally(e);
        }
    }

    private void failAll(Throwable cause) {
        Task<?> t;
        while ((t = queue.poll()) != null) {
            failed(t, new FsException(Errno.EIO, "the writer thread failed: " + cause));
            done(t);
            if (t.kind == Kind.BEHIND) {
                settle(t);
            }
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
        queue.addLast(stop);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new IllegalStateException("closed"));
    }
}
