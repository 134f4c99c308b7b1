package org.hammer.core.fs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.hammer.core.HammerException;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;

/**
 * The write-back engine of a filesystem front end (the mount): its single writer. Every change
 * runs on its thread, grouped into store write transactions that commit after
 * {@value #MAX_DELAY_MS} ms, {@value #MAX_BYTES} bytes of data, or a sync — HAMMER's flusher in
 * miniature. {@link #sync()} commits and forces the store to disk: what it acknowledges survives
 * a kill -9 of the process. The package documentation has the whole contract.
 *
 * <p>Changes are acknowledged before their commit. Namespace and attribute changes run before
 * they are acknowledged; file data is written back: {@link #writeBehind} queues a write and
 * returns at once (up to {@value #MAX_QUEUED} bytes queued), so writers go on while a
 * transaction commits, and an error it meets is kept on its {@link WriteHandle} for the next
 * flush or fsync, as a local filesystem reports a failed write-back. Each change claims room in
 * the store before it runs; one that would not fit ends the transaction before it, so that a full
 * store fails that change alone (ENOSPC), not the acknowledged changes the transaction holds.
 *
 * <p>Reads see every acknowledged change (read-your-writes): a read that depends on an object's
 * data or size ({@link #readData}) queues behind that object's written-back data while some has
 * not run, and runs in the open transaction once all of it has; any other read runs on a snapshot
 * in the caller's thread, or — while an acknowledged change is uncommitted — inside the open
 * transaction, ahead of queued data.
 *
 * <p>While a transaction is open and the writer thread waits for tasks, callers run their reads,
 * and changes and small written-back writes that no queued change precedes (not even one the
 * writer has taken off the queue and not run yet), in it directly on their own threads, one at a
 * time under {@link #lock}, instead of handing them over: a file create, or a small file written
 * and its attributes set, then costs no thread switch. The transaction
 * changes hands by the store's hand-over protocol (the store package documentation): the writer
 * thread begins and commits it, runs nothing in it while it waits, and holds the lock from the
 * end of the wait through the commit.
 *
 * <p>Each object is built with {@link #builder}; {@code C} is the front end's view of a
 * transaction or snapshot, made by its {@link Contexts}.
 *
 * @param <C> what tasks receive: the front end's context over a snapshot or the open transaction
 */
public final class Committer<C> implements AutoCloseable {
    /** The default longest time a transaction stays open. */
    public static final long MAX_DELAY_MS = 50;
    /** The default data size after which a transaction commits. */
    public static final long MAX_BYTES = 32L << 20;
    /** The default most written-back data queued and not yet run. */
    public static final long MAX_QUEUED = 32L << 20;
    /** Written-back writes smaller than this may run on their caller's thread ({@link #writeBehind}). */
    static final int HERE_MAX = 64 << 10;
    /**
     * Room written-back data leaves to the other changes (names, attributes) and to the free list
     * LMDB writes as it commits: on a store that fills up, they can still be made.
     */
    public static final long ROOM_RESERVE = 1L << 20;
    /** The room a change other than written-back data is counted at: the B-tree pages it may copy. */
    static final long CHANGE_ROOM = 64L << 10;
    /** Room no change claims: the pages a commit itself writes (the free list, the roots). */
    static final long COMMIT_ROOM = 64L << 10;

    private static final boolean DEBUG = Boolean.getBoolean("hammer.debug");

    /** Makes the context tasks receive: {@code txn} is null for a read outside a transaction. */
    @FunctionalInterface
    public interface Contexts<C> {
        C of(StoreReader reader, Txn txn);
    }

    /** Runs before the first change of a PFS in each transaction (the PFS layer stamps its lineage). */
    @FunctionalInterface
    public interface FirstWrite {
        FirstWrite NONE = (w, pfs) -> {
        };

        void opening(StoreWriter w, int pfs);
    }

    private final Store store;
    private final OpenFiles open;
    private final Contexts<C> contexts;
    private final FirstWrite firstWrite;
    private final Clock clock;
    private final ErrorSink errors;
    /** Why the store was found damaged ({@link #damaged}), or null; set once. */
    private final AtomicReference<String> damage = new AtomicReference<>();
    private final LongConsumer onCommit;
    private final long maxDelayNanos;
    private final long maxBytes;
    private final long maxQueued;
    /** Tasks in order; reads that need not wait for queued data go in at the front. */
    private final BlockingDeque<Task<?>> queue = new LinkedBlockingDeque<>();
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
    private final ConcurrentHashMap<Object, Integer> unsettled = new ConcurrentHashMap<>();
    /** Per object, its written-back data queued and not yet run: the part of {@link #unsettled} a read must wait for. */
    private final ConcurrentHashMap<Object, Integer> unrun = new ConcurrentHashMap<>();
    /** Room for queued written-back data, in KiB. */
    private final Semaphore budget;
    /** No task is taken any more: set before the stop is queued, or when the writer thread fails. */
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    /** The open transaction, while the writer thread waits for tasks in it. Guarded by {@link #lock}. */
    private C current;
    /** The store's writer of the open transaction, handed over with {@link #lock}. Guarded by it. */
    private StoreWriter writer;
    /** A change run directly in the open transaction failed: the transaction is abandoned. Guarded by {@link #lock}. */
    private RuntimeException broken;
    /** Written-back writes run in the open transaction on their callers' threads: settled with it. Guarded by {@link #lock}. */
    private final List<Task<?>> ranHere = new ArrayList<>();
    /** Their bytes, not yet counted towards the transaction's size limit. Guarded by {@link #lock}. */
    private long bytesHere;
    /** A commit that failed after its changes were acknowledged, reported by the next sync. */
    private volatile RuntimeException lost;
    /**
     * The store's room (bytes of new pages) the open transaction's changes have not claimed, of
     * what it was when the transaction began. Guarded by {@link #lock}.
     */
    private long room = Long.MAX_VALUE;
    /** The open transaction holds acknowledged changes: losing it loses them. Guarded by {@link #lock}. */
    private boolean acknowledged;
    /** Told when the store is found written by another writer; null: nobody asks. */
    private volatile OtherWrites otherWrites;
    /**
     * The store's commit count ({@link Store#commits}) after this committer's last commit or
     * look; -1 before the first. Guarded by {@link #lock}.
     */
    private long commitsSeen = -1;
    /** The newest TID of the store as of {@link #commitsSeen}: this committer's last, or the store's at its last look. Guarded by {@link #lock}. */
    private long tidSeen = -1;
    /** A change runs alone in its transaction: its {@link #claim}s are not refused. Guarded by {@link #lock}. */
    private boolean unlimited;

    /**
     * Thrown by {@link #claim} inside a change that has modified nothing yet: the engine commits
     * what the transaction holds and runs the change again, alone.
     */
    static final class NoRoom extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoRoom() {
            super("no room in this transaction", null, false, false);
        }
    }

    private static final NoRoom NO_ROOM = new NoRoom();

    private enum Kind { READ, WRITE, BEHIND, SYNC, STOP }

    /** Points where a test may hold a thread, to reproduce an interleaving of close and other calls. */
    enum Point {
        /** A caller has seen the engine open and is about to queue its task. */
        QUEUEING,
        /** {@link #close} has refused new tasks and is about to stop the writer thread. */
        CLOSING
    }

    /** Called at each {@link Point} (tests). */
    interface Interleaving {
        void at(Point p);
    }

    private final Interleaving interleaving;

    /** The open write transaction as the tasks see it. */
    public static final class Txn {
        private final StoreWriter w;
        private final OpenFiles open;
        private final FirstWrite firstWrite;
        private final Set<Integer> opened = new HashSet<>();

        Txn(StoreWriter w, OpenFiles open, FirstWrite firstWrite, Clock clock) {
            this.w = new ClockedWriter(w, clock);
            this.open = open;
            this.firstWrite = firstWrite;
        }

        /**
         * A writer of {@code pfs} that keeps open files as orphans; the first one per transaction
         * goes through the engine's {@link FirstWrite}.
         */
        public FsWriter writer(int pfs) {
            if (opened.add(pfs)) {
                firstWrite.opening(w, pfs);
            }
            return new FsWriter(w, pfs, open);
        }
    }

    private static final class Task<T> {
        final Kind kind;
        final Function<Object, T> work;
        final long bytes;
        final CompletableFuture<T> result = new CompletableFuture<>();
        /** For written-back data: the handle its errors go to. */
        WriteHandle handle;
        /** For written-back data: what its caller gave to run once the task has run or been dropped. */
        Runnable after;
        /** For written-back data: a transaction of its own has no room for it either. Writer thread only. */
        boolean noRoom;
        /**
         * For another change: run alone in a transaction that may not hold it, and acknowledged
         * only once that commits, so that a store too full for it fails it alone. Writer thread only.
         */
        boolean alone;
        /** What an {@link #alone} change returned, given to its caller once committed. */
        T value;

        @SuppressWarnings("unchecked")
        Task(Kind kind, Function<?, T> work, long bytes) {
            this.kind = kind;
            this.work = (Function<Object, T>) work;
            this.bytes = bytes;
        }

        boolean changes() {
            return kind == Kind.WRITE || kind == Kind.BEHIND;
        }
    }

    /** How a committer is set up; {@link #start} starts its writer thread. */
    public static final class Builder<C> {
        private final Store store;
        private final Contexts<C> contexts;
        private OpenFiles open = OpenFiles.NONE;
        private FirstWrite firstWrite = FirstWrite.NONE;
        private Clock clock = Clock.SYSTEM;
        private ErrorSink errors = ErrorSink.stderr("hammer: ");
        private LongConsumer onCommit = nanos -> {
        };
        private long maxDelayMs = MAX_DELAY_MS;
        private long maxBytes = MAX_BYTES;
        private long maxQueued = MAX_QUEUED;
        private String threadName = "hammer-committer";
        private Interleaving interleaving;

        private Builder(Store store, Contexts<C> contexts) {
            this.store = store;
            this.contexts = contexts;
        }

        /** What is open: an object losing its last name while open is kept as an orphan. */
        public Builder<C> openFiles(OpenFiles o) {
            this.open = o;
            return this;
        }

        public Builder<C> firstWrite(FirstWrite f) {
            this.firstWrite = f;
            return this;
        }

        public Builder<C> clock(Clock c) {
            this.clock = c;
            return this;
        }

        public Builder<C> errors(ErrorSink e) {
            this.errors = e;
            return this;
        }

        /** Told how long each commit took, in nanoseconds (metrics). */
        public Builder<C> onCommit(LongConsumer c) {
            this.onCommit = c;
            return this;
        }

        /** Batching: a transaction commits after {@code delayMs} or {@code bytes} of data. */
        public Builder<C> batch(long delayMs, long bytes) {
            this.maxDelayMs = delayMs;
            this.maxBytes = bytes;
            return this;
        }

        /** The most written-back data queued (at least 1 KiB): a writer waits for room beyond. */
        public Builder<C> maxQueued(long bytes) {
            this.maxQueued = Math.max(1024, bytes);
            return this;
        }

        public Builder<C> threadName(String name) {
            this.threadName = name;
            return this;
        }

        Builder<C> interleaving(Interleaving i) {
            this.interleaving = i;
            return this;
        }

        public Committer<C> start() {
            return new Committer<>(this);
        }
    }

    /** A committer of {@code store} whose tasks see the store through {@code contexts}. */
    public static <C> Builder<C> builder(Store store, Contexts<C> contexts) {
        return new Builder<>(store, contexts);
    }

    private Committer(Builder<C> b) {
        this.store = b.store;
        this.open = b.open;
        this.contexts = b.contexts;
        this.firstWrite = b.firstWrite;
        this.clock = b.clock;
        this.errors = b.errors;
        this.onCommit = b.onCommit;
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(b.maxDelayMs);
        this.maxBytes = b.maxBytes;
        this.maxQueued = b.maxQueued;
        this.budget = new Semaphore((int) (maxQueued >> 10));
        this.interleaving = b.interleaving;
        this.thread = new Thread(this::loop, b.threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** Bytes written back and not yet committed (what the queue's budget holds), for the metrics. */
    public long queuedBytes() {
        return (maxQueued >> 10) - budget.availablePermits() << 10;
    }

    /** True once the writer thread has ended (after {@link #close}, or when it failed). */
    public boolean stopped() {
        return !thread.isAlive();
    }

    /** Changes waiting for the writer thread, for the metrics. */
    public int queuedTasks() {
        return queue.size();
    }

    /** Runs a read that does not depend on any object's data or size (see {@link #readData}). */
    public <T> T read(Function<C, T> work) {
        try {
            return readNow(work);
        } catch (RuntimeException e) {
            throw noteDamage(e);
        }
    }

    private <T> T readNow(Function<C, T> work) {
        if (dirty) {
            lock.lock();
            try {
                if (current != null) {
                    return inOpenTransaction(work, false);
                }
                // No transaction is open: the writer thread has committed (it clears dirty first).
            } finally {
                lock.unlock();
            }
        }
        return store.read(r -> work.apply(contexts.of(r, null)));
    }

    /**
     * Runs a read of {@code key}'s data or attributes after its written-back data: on a snapshot
     * when all of it is committed; in the open transaction, on the caller's thread, when all of it
     * has run there; else queued behind it.
     */
    public <T> T readData(Object key, Function<C, T> work) {
        try {
            return readDataNow(key, work);
        } catch (RuntimeException e) {
            throw noteDamage(e);
        }
    }

    private <T> T readDataNow(Object key, Function<C, T> work) {
        if (!counted(unsettled, key)) {
            return readNow(work);
        }
        if (!counted(unrun, key)) {
            lock.lock();
            try {
                if (current != null && broken == null) {
                    return inOpenTransaction(work, false);
                }
                if (current == null) {
                    // No transaction is open: the one that ran the object's data has ended, committed
                    // or lost (its handles hold the error), and a snapshot shows what the store has.
                    return store.read(r -> work.apply(contexts.of(r, null)));
                }
            } finally {
                lock.unlock();
            }
        }
        return submit(new Task<>(Kind.READ, work, 0));
    }

    /** True while no object has written-back data queued or uncommitted. */
    public boolean settled() {
        return unsettled.isEmpty();
    }

    // Per-object counts: a key is present while its count is above zero. Each change of a count is
    // one atomic step of the map (a counter object changed outside it could be removed by a
    // decrement to zero and then incremented, unseen).
    static boolean counted(ConcurrentHashMap<Object, Integer> counts, Object key) {
        return counts.containsKey(key);
    }

    static void count(ConcurrentHashMap<Object, Integer> counts, Object key) {
        counts.merge(key, 1, Integer::sum);
    }

    static void uncount(ConcurrentHashMap<Object, Integer> counts, Object key) {
        counts.computeIfPresent(key, (k, c) -> c == 1 ? null : c - 1);
    }

    /** Runs a change in the open write transaction; {@code bytes} counts towards its size limit. */
    public <T> T write(Function<C, T> work, long bytes) {
        refuseIfDamaged();
        if (bytes == 0) {
            lock.lock();
            try {
                if (current != null && broken == null && pendingChanges.get() == 0 && claimChange(0)) {
                    dirty = true;
                    try {
                        T result = inOpenTransaction(work, true);
                        acknowledged = true;
                        return result;
                    } catch (NoRoom e) {
                        // It changed nothing: the writer thread runs it, after a commit.
                    }
                }
            } finally {
                lock.unlock();
            }
        }
        return submit(new Task<>(Kind.WRITE, work, bytes));
    }

    /**
     * Queues a write of {@code bytes} of file data through handle {@code h} and returns without
     * waiting for it, once the queue has room for it; one smaller than {@value #HERE_MAX} bytes
     * that nothing queued precedes runs in the open transaction on the caller's thread instead.
     * Either way it is written back: its error, if it meets one then or at its commit, goes to
     * {@code h}.
     */
    public void writeBehind(WriteHandle h, Function<C, ?> work, int bytes) {
        writeBehind(h, work, bytes, null);
    }

    /**
     * {@link #writeBehind(WriteHandle, Function, int)}, then {@code after} once the write has run
     * (its data is in the transaction by then), been skipped after an earlier error of {@code h},
     * or been dropped; exactly once, on whichever thread that happens. Not run when this throws:
     * the write was not queued, and the caller still owns what {@code work} uses.
     */
    public void writeBehind(WriteHandle h, Function<C, ?> work, int bytes, Runnable after) {
        if (closed) {
            throw closing();
        }
        refuseIfDamaged();
        if (bytes < HERE_MAX && runHere(h, work, bytes, after)) {
            return;
        }
        if (!budget.tryAcquire(permits(bytes))) {
            refuseWaitingForItself("waits for room in the queue");
            budget.acquireUninterruptibly(permits(bytes));
        }
        Task<?> t = new Task<>(Kind.BEHIND, work, bytes);
        t.handle = h;
        h.queue();
        count(unsettled, h.key());
        count(unrun, h.key());
        pendingChanges.incrementAndGet();
        t.after = after;
        queue.addLast(t);
        if (closed && queue.remove(t)) {
            t.after = null; // not queued after all: the caller keeps what the write uses
            done(t);
            settle(t);
            throw closing();
        }
    }

    /**
     * Runs a small written-back write in the open transaction on the caller's thread, as a change
     * that nothing queued precedes runs there, instead of waking the writer thread for it; false
     * (queue it) when something precedes it, no transaction is open, or the lock is busy (a commit).
     * It is written back all the same: settled, and failed if its commit fails, with the transaction.
     */
    private boolean runHere(WriteHandle h, Function<C, ?> work, int bytes, Runnable after) {
        if (pendingChanges.get() != 0 || !lock.tryLock()) {
            return false;
        }
        try {
            if (current == null || broken != null || closed || pendingChanges.get() != 0 || h.error() != null
                    || !claimData(bytes)) {
                return false;
            }
            Task<?> t = new Task<>(Kind.BEHIND, work, bytes);
            t.handle = h;
            count(unsettled, h.key());
            ranHere.add(t);
            bytesHere += bytes;
            dirty = true;
            try {
                inOpenTransaction(work, true);
            } catch (FsException e) {
                h.failed(e);
            } finally {
                if (after != null) {
                    after.run();
                }
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs {@code work} in the open transaction on this thread, which holds {@link #lock}. A
     * failure of a change other than an errno abandons the transaction and is thrown as EIO (or
     * ENOSPC).
     */
    private <T> T inOpenTransaction(Function<C, T> work, boolean change) {
        boolean attached = writer.attach();
        try {
            return work.apply(current);
        } catch (FsException | NoRoom e) {
            throw e;
        } catch (RuntimeException e) {
            noteDamage(e);
            if (!change) {
                throw e;
            }
            broken = e;
            queue.addFirst(new Task<Void>(Kind.READ, ctx -> null, 0)); // wakes the writer to abandon it
            throw failure(e);
        } finally {
            if (attached) {
                writer.detach();
            }
        }
    }

    private int permits(long bytes) {
        return (int) Math.min(maxQueued >> 10, (bytes + 1023) >> 10);
    }

    /** Waits until every write queued through {@code h} has run; returns (and clears) its error. */
    public FsException drain(WriteHandle h) {
        if (h.queued() > 0) {
            submit(new Task<Void>(Kind.READ, ctx -> null, 0));
        }
        return h.takeError();
    }

    /** Commits what is pending and forces the store to stable storage; EIO if a commit was lost. */
    public void sync() {
        submit(new Task<Void>(Kind.SYNC, null, 0));
    }

    private static FsException closing() {
        return new FsException(Errno.EIO, "the filesystem is closing");
    }

    /**
     * Fails fast when the calling thread is the writer thread, or holds the open transaction: what
     * it would wait for could only run after it returns.
     */
    private void refuseWaitingForItself(String what) {
        if (Thread.currentThread() == thread || lock.isHeldByCurrentThread()) {
            throw new IllegalStateException("a task of the write-back engine " + what
                    + ": it runs " + (Thread.currentThread() == thread ? "on the writer thread" : "in the open transaction")
                    + " and would wait for itself");
        }
    }

    private <T> T submit(Task<T> t) {
        refuseWaitingForItself(t.kind == Kind.SYNC ? "syncs" : "hands work to the engine and waits for it");
        if (closed) {
            throw closing();
        }
        if (t.changes()) {
            pendingChanges.incrementAndGet();
        }
        at(Point.QUEUEING);
        queue.addLast(t);
        if (closed && queue.remove(t)) {
            // Queued after the last look of the closing writer: nobody would ever run it.
            done(t);
            throw closing();
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

    /** What {@link #onOtherWrites} is told. */
    @FunctionalInterface
    public interface OtherWrites {
        /**
         * Another writer has committed to the store since this committer last looked: {@code now}
         * reads the store with those commits, whose changes are those after TID {@code sinceTid}
         * in its change index ({@link StoreReader#scanChanges}).
         */
        void committed(StoreReader now, long sinceTid);
    }

    /**
     * Tells {@code o} when the store is found written by another writer (another process, or
     * this one outside this committer) since this committer's last commit: as its next
     * transaction begins, and while it is idle within {@value #LOOK_MS} ms. {@code o} runs on the
     * writer thread, holding the engine's lock and inside the transaction about to begin, so it
     * must neither wait nor throw: a mount sends the kernel notifications to drop what it keeps.
     */
    public void onOtherWrites(OtherWrites o) {
        this.otherWrites = o;
    }

    /** How often an idle committer looks for another writer's commits, when asked to. */
    static final long LOOK_MS = 100;

    private void loop() {
        try {
            while (true) {
                Task<?> t = queue.poll(LOOK_MS, TimeUnit.MILLISECONDS);
                if (t == null) {
                    lookForOtherWrites();
                    continue;
                }
                if (t == stop) {
                    return;
                }
                switch (t.kind) {
                    case READ -> store.read(r -> run(t, contexts.of(r, null)));
                    case SYNC -> finishSync(t);
                    default -> transaction(t);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            errors.writerFailed(e);
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
            measureRoom();
            acknowledged = false;
            long[] before = {-1, -1};
            store.write(w -> {
                before[0] = seeOtherWrites(w); // the store is this transaction's alone from here to its commit
                before[1] = w.tid();
                C ctx = contexts.of(new ClockedWriter(w, clock), new Txn(w, open, firstWrite, clock));
                current = ctx;
                writer = w;
                try {
                    b.run(ctx);
                } finally {
                    current = null;
                    writer = null;
                }
                if (broken != null) {
                    throw broken;
                }
                String why = damage.get();
                if (why != null) { // found while this transaction was open: its changes are not committed
                    throw new FsException(Errno.EROFS, "the store is damaged (" + why + "): not committed");
                }
                return null;
            });
            if (before[0] >= 0) {
                commitsSeen = before[0] + 1; // each store write that commits adds one
                tidSeen = before[1];
            }
            onCommit.accept(System.nanoTime() - start);
            if (b.alone != null) {
                acknowledge(b.alone);
            }
        } catch (RuntimeException e) {
            noteDamage(e);
            if (b.alone != null) {
                b.alone.result.completeExceptionally(failure(e)); // no-op if the change itself failed
            }
            if (acknowledged || !b.written.isEmpty()) {
                // Not when the transaction held one change alone, which its caller sees fail.
                lost = e;
                errors.commitFailed(e);
            }
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

    /**
     * In a write transaction {@code w} (no other writer can commit until it ends): whether the
     * store's commit count moved since this committer last saw it, telling {@link #otherWrites}
     * if so; returns the count, -1 when nobody asks. With {@link #lock}.
     */
    private long seeOtherWrites(StoreWriter w) {
        OtherWrites o = otherWrites;
        if (o == null) {
            return -1;
        }
        long now = store.commits();
        if (now != commitsSeen) {
            if (commitsSeen >= 0 && tidSeen >= 0) {
                o.committed(w, tidSeen);
            }
            tidSeen = w.tid() - 1; // the store's newest before this transaction's own, which it has not used yet
        }
        return now;
    }

    /**
     * An idle writer thread's look for other writers' commits, in a snapshot at least as new as
     * the count it read first: what lands between is in the snapshot, and seen again, as
     * nothing new, at the next look. Another transaction may hold the store meanwhile.
     */
    private void lookForOtherWrites() {
        OtherWrites o = otherWrites;
        if (o == null || closed || !lock.tryLock()) {
            return;
        }
        try {
            long now = store.commits();
            if (now != commitsSeen) {
                store.read(r -> {
                    if (commitsSeen >= 0 && tidSeen >= 0) {
                        o.committed(r, tidSeen);
                    }
                    tidSeen = r.lastTid();
                    return null;
                });
                commitsSeen = now;
            }
        } catch (RuntimeException e) {
            // A store closing or damaged: the next transaction says so, to those who wait for it.
            noteDamage(e);
        } finally {
            lock.unlock();
        }
    }

    /** Takes the store's room as a transaction begins; with {@link #lock}. */
    private void measureRoom() {
        try {
            room = store.room();
        } catch (RuntimeException e) {
            room = Long.MAX_VALUE; // the transaction's own failure says what is wrong
        }
    }

    /**
     * Claims the open transaction's room for a written-back write of {@code bytes}, counted at its
     * most ({@link #need}) and leaving {@link #ROOM_RESERVE}; false when it does not fit. With {@link #lock}.
     */
    private boolean claimData(long bytes) {
        return take(need(bytes), ROOM_RESERVE);
    }

    /** Claims room for another change, which may use the reserve; false when it does not fit. With {@link #lock}. */
    private boolean claimChange(long bytes) {
        return take(CHANGE_ROOM + (bytes > 0 ? need(bytes) : 0), COMMIT_ROOM);
    }

    /** Takes {@code n} bytes of the open transaction's room if {@code keep} are left after them. With {@link #lock}. */
    private boolean take(long n, long keep) {
        if (n > room - keep) {
            return false;
        }
        room -= n;
        return true;
    }

    /**
     * Claims room for a change that is about to mark {@code dropped} bytes of a file's data
     * deleted, which writes more than a change is counted at: the records' values anew
     * ({@link Store#deleteRoom}). Called from inside the change, on its thread, before it modifies
     * anything (the first writer of a PFS included): when the open transaction has not that room
     * left, this throws, and the engine commits what the transaction holds and runs the change
     * again, alone, where nothing is refused. Elsewhere (a read) it does nothing.
     */
    public void claim(long dropped) {
        if (!lock.isHeldByCurrentThread() || unlimited || current == null) {
            return;
        }
        long bytes = store.deleteRoom(dropped);
        if (!take(bytes + bytes / 16 + CHANGE_ROOM, COMMIT_ROOM)) {
            throw NO_ROOM;
        }
    }

    /**
     * The most new pages a written-back write of {@code bytes} may cost: every block it touches
     * written anew, the version it replaces marked deleted as history ({@link Store#deleteRoom}:
     * its records, or in a format 2 store its data again), and its B-tree pages.
     */
    private long need(long bytes) {
        long touched = bytes + 2L * Blocks.LARGE;
        return touched + store.deleteRoom(touched) + (16L << 10);
    }

    /** The tasks of one transaction, run on the writer thread inside it. */
    private final class Batch {
        private final Task<?> first;
        /** The sync or stop that ended the batch, if one did. */
        Task<?> last;
        /** The change this transaction holds alone, to acknowledge once it commits. */
        Task<?> alone;
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

        void run(C ctx) {
            long deadline = clock.nanoTime() + maxDelayNanos;
            Task<?> t = first;
            try {
                while (t != null) {
                    if (t.kind == Kind.SYNC || t == stop) {
                        last = t;
                        break;
                    }
                    if (t.changes() && !(t.kind == Kind.BEHIND ? claimData(t.bytes) : claimChange(t.bytes))) {
                        if (tasks > 0 || !ranHere.isEmpty()) {
                            // Too much for the room this transaction has left: what it holds is
                            // committed first, and this change begins the next one.
                            queue.addFirst(t);
                            break;
                        }
                        // Alone in a transaction: written-back data is refused (its room is what
                        // the reserve keeps for other changes); another change is tried, and only
                        // it fails if the store cannot hold it.
                        t.noRoom = t.kind == Kind.BEHIND;
                        t.alone = t.kind == Kind.WRITE;
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
                    if (!Committer.this.run(t, ctx)) {
                        // It claimed more room than this transaction has left, and changed nothing.
                        if (tasks > 1 || !ranHere.isEmpty()) {
                            tasks--;
                            queue.addFirst(t);
                            break;
                        }
                        t.alone = true;
                        Committer.this.run(t, ctx);
                    }
                    if (t.alone) {
                        alone = t; // acknowledged once committed, with nothing after it
                        break;
                    }
                    if (t.kind == Kind.WRITE && !t.result.isCompletedExceptionally()) {
                        acknowledged = true;
                    }
                    bytes += bytesHere;
                    bytesHere = 0;
                    t = bytes >= maxBytes || clock.nanoTime() - deadline >= 0 || broken != null ? null : next(deadline);
                }
            } finally {
                // The writes callers ran in this transaction meanwhile are its own.
                tasks += ranHere.size();
                written.addAll(ranHere);
                ranHere.clear();
                bytes += bytesHere;
                bytesHere = 0;
                end = System.nanoTime();
            }
        }

        /** The next task, waiting for one until the clock reaches {@code deadline}; null then. */
        private Task<?> next(long deadline) {
            Task<?> t = queue.pollFirst();
            if (t != null) {
                return t;
            }
            long start = System.nanoTime();
            // Callers may run in the transaction meanwhile, each attaching it to its thread.
            writer.detach();
            lock.unlock();
            try {
                long wait;
                while ((wait = deadline - clock.nanoTime()) > 0) {
                    t = queue.pollFirst(wait, TimeUnit.NANOSECONDS);
                    if (t != null) {
                        return t;
                    }
                }
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                lock.lock();
                writer.attach();
                idle += System.nanoTime() - start;
            }
        }
    }

    /**
     * Runs one task; a failure other than an errno aborts the whole transaction. False (and the
     * task left as it was) when it claimed more room than the transaction has ({@link #claim}).
     */
    private <T> boolean run(Task<T> t, Object ctx) {
        boolean ran = true;
        if (t.alone) {
            unlimited = true; // a change, so run with the lock held
        }
        try {
            if (t.handle != null && t.handle.error() != null) {
                // After a failed write the file ends there: later ones would leave holes.
                t.result.complete(null);
                return true;
            }
            if (t.noRoom) {
                // Refused before it touches the transaction: nothing else is lost with it.
                throw new FsException(Errno.ENOSPC, "the store is full: no room for " + t.bytes + " bytes written back");
            }
            T value = t.work.apply(ctx);
            if (t.alone) {
                t.value = value;
            } else {
                t.result.complete(value);
            }
        } catch (NoRoom e) {
            ran = false;
        } catch (FsException e) {
            failed(t, e);
        } catch (RuntimeException e) {
            noteDamage(e);
            failed(t, failure(e));
            if (t.changes()) {
                throw e;
            }
        } finally {
            if (t.alone) {
                unlimited = false;
            }
            if (ran) {
                done(t);
            }
        }
        return ran;
    }

    private static <T> void acknowledge(Task<T> t) {
        t.result.complete(t.value);
    }

    /** A task ran or was dropped: it no longer precedes changes, nor holds its handle or the queue's room. */
    private void done(Task<?> t) {
        if (t.changes()) {
            pendingChanges.decrementAndGet();
        }
        if (t.kind == Kind.BEHIND) {
            uncount(unrun, t.handle.key());
            t.handle.dequeue();
            budget.release(permits(t.bytes));
            Runnable a = t.after;
            t.after = null;
            if (a != null) {
                a.run();
            }
        }
    }

    /**
     * Notes that the store was found damaged ({@code why}: what a check found), the first time:
     * from then on every change is refused with EROFS, as no command changes a store it found
     * damaged, and the operator's log says so once. Reads go on: what is intact is still served,
     * and what is not fails each time with the damage it meets.
     */
    public void damaged(String why) {
        if (damage.compareAndSet(null, why)) {
            errors.storeDamaged(why);
        }
    }

    /** Why the store was found damaged, or null while it was not. */
    public String damage() {
        return damage.get();
    }

    /** {@code e}, after {@link #damaged} if it is the store's damage. */
    private RuntimeException noteDamage(RuntimeException e) {
        if (e instanceof HammerException h && h.kind() == HammerException.Kind.CORRUPT) {
            damaged(h.getMessage());
        }
        return e;
    }

    private void refuseIfDamaged() {
        String why = damage.get();
        if (why != null) {
            throw new FsException(Errno.EROFS, "the store is damaged (" + why + "): no change is made to it");
        }
    }

    /** The errno a failed change or commit shows: ENOSPC when the store or its disk is full, else EIO. */
    static FsException failure(RuntimeException e) {
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
        uncount(unsettled, t.handle.key());
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

    /**
     * Commits what is pending, syncs, and stops the writer thread. Idempotent: of callers at the
     * same time, one closes and the others return once it has.
     */
    @Override
    public void close() {
        refuseWaitingForItself("closes the engine");
        if (!closing.compareAndSet(false, true)) {
            awaitClosed();
            return;
        }
        try {
            try {
                sync();
            } catch (RuntimeException e) {
                errors.finalSyncFailed(e);
            }
            closed = true;
            at(Point.CLOSING);
            queue.addLast(stop);
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            failAll(new IllegalStateException("closed"));
        } finally {
            closedLatch.countDown();
        }
    }

    private void at(Point p) {
        if (interleaving != null) {
            interleaving.at(p);
        }
    }

    private void awaitClosed() {
        boolean interrupted = false;
        while (true) {
            try {
                closedLatch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
