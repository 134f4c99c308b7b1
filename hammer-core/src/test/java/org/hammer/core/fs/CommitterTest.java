package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-back engine on a store without any front end: acknowledged changes apply in their order. */
class CommitterTest {
    /** What the tasks of these tests see: the snapshot or transaction, and its writer of PFS #0. */
    record Ctx(StoreReader r, Committer.Txn txn) {
        FsWriter writer() {
            return txn.writer(0);
        }

        Inode getattr(long ino) {
            return new FsReader(r, 0, Long.MAX_VALUE).getattr(ino);
        }
    }

    @TempDir
    Path dir;
    private Store store;
    private Committer<Ctx> committer;
    private long file;

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE);
        Pfses.format(store, "T");
        file = store.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, "f", Inode.S_IFREG | 0644, 0, 0, 0));
        committer = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).start();
    }

    @AfterEach
    void close() {
        committer.close();
        store.close();
    }

    /**
     * tar's pattern: write a file through its handle, then set its times. The write is queued and
     * acknowledged; the times are set at once in the open transaction unless a change precedes
     * them — including one the writer thread has taken off the queue and not yet run, which
     * would otherwise stamp the file with the time of the write.
     */
    @Test
    void timesSetAfterAWrittenBackWriteAreTheLastWord() {
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[4096];
        for (int i = 0; i < 10_000; i++) {
            long offset = (long) i * data.length;
            long stamp = 1_000_000_000L * (i + 1);
            committer.writeBehind(h, ctx -> ctx.writer().write(file, offset, data, 0, data.length), data.length);
            committer.write(ctx -> {
                ctx.writer().utimens(file, stamp, stamp);
                return null;
            }, 0);
            Inode after = committer.readData(file, ctx -> ctx.getattr(file));
            assertThat(after.mtimeNs()).as("mtime after write %d", i).isEqualTo(stamp);
            assertThat(after.size()).isEqualTo(offset + data.length);
        }
        assertThat(committer.drain(h)).isNull();
    }

    /**
     * A read that meets damage (a bit flipped in a file's block, under the open store) fails with
     * it, and from then on the engine refuses every change with EROFS, through both its ways in,
     * and leaves the store's bytes as they were: an acknowledged write still uncommitted then is
     * not committed either (its handle and the next sync say so); the log is told once; what is
     * intact still reads.
     */
    @Test
    void aStoreFoundDamagedRefusesEveryChangeAndStillServesWhatIsIntact() throws Exception {
        committer.close();
        List<String> told = Collections.synchronizedList(new ArrayList<>());
        ManualClock clock = new ManualClock(); // a batch stays open until a sync or its size ends it
        committer = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).clock(clock)
                .batch(Committer.MAX_DELAY_MS, 1L << 30).errors(new ErrorSink() {
            @Override
            public void commitFailed(RuntimeException e) {
            }

            @Override
            public void writerFailed(Throwable e) {
            }

            @Override
            public void finalSyncFailed(RuntimeException e) {
            }

            @Override
            public void storeDamaged(String why) {
                told.add(why);
            }
        }).start();
        byte[] block = new byte[16384];
        new java.util.Random(3).nextBytes(block);
        long other = committer.write(ctx -> {
            ctx.writer().write(file, 0, block, 0, block.length);
            long o = ctx.writer().mknod(FsReader.ROOT, "intact", Inode.S_IFREG | 0644, 0, 0, 0);
            ctx.writer().write(o, 0, "intact".getBytes(), 0, 6);
            return o;
        }, block.length);
        committer.sync();

        Path data = dir.resolve("s/data.mdb");
        byte[] whole = java.nio.file.Files.readAllBytes(data);
        int at = new String(whole, java.nio.charset.StandardCharsets.ISO_8859_1)
                .indexOf(new String(block, 0, 64, java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThat(at).as("the block's bytes in data.mdb").isNotNegative();
        try (var f = new java.io.RandomAccessFile(data.toFile(), "rw")) {
            f.seek(at + 100);
            f.write(whole[at + 100] ^ 0x10);
        }
        byte[] damaged = java.nio.file.Files.readAllBytes(data);
        WriteHandle pending = new WriteHandle(other);
        committer.writeBehind(pending, ctx -> ctx.writer().write(other, 0, "INTACT".getBytes(), 0, 6), 6);

        assertThatThrownBy(() -> committer.read(ctx -> new FsReader(ctx.r(), 0, Long.MAX_VALUE)
                .read(file, 0, new byte[16384], 0, 16384)))
                .isInstanceOfSatisfying(org.hammer.core.HammerException.class,
                        e -> assertThat(e.kind()).isEqualTo(org.hammer.core.HammerException.Kind.CORRUPT));
        assertThat(committer.damage()).isNotNull();
        FsException refused = catchThrowableOfType(() -> committer.write(ctx -> ctx.writer()
                .mknod(FsReader.ROOT, "new", Inode.S_IFREG | 0644, 0, 0, 0), 0), FsException.class);
        assertThat(refused).as("a change after the damage was found").isNotNull();
        assertThat(refused.errno()).isEqualTo(Errno.EROFS);
        assertThat(refused).hasMessageContaining("the store is damaged");
        FsException behind = catchThrowableOfType(() -> committer.writeBehind(new WriteHandle(other),
                ctx -> ctx.writer().write(other, 0, block, 0, 10), 10), FsException.class);
        assertThat(behind).as("a written-back write after it").isNotNull();
        assertThat(behind.errno()).isEqualTo(Errno.EROFS);
        FsException lost = catchThrowableOfType(committer::sync, FsException.class);
        assertThat(lost).as("the sync after the acknowledged write").isNotNull();
        assertThat(lost).hasMessageContaining("the store is damaged");
        assertThat(committer.drain(pending)).as("the acknowledged write's handle").isNotNull();
        byte[] intact = new byte[6];
        int got = store.read(r -> new FsReader(r, 0, Long.MAX_VALUE).read(other, 0, intact, 0, 6));
        assertThat(got).isEqualTo(6);
        assertThat(new String(intact)).isEqualTo("intact");
        assertThat(told).hasSize(1);
        assertThat(java.nio.file.Files.readAllBytes(data)).as("data.mdb after the refused changes").isEqualTo(damaged);
    }

    private static final Duration BOUND = Duration.ofSeconds(20);

    /** A committer on a clock that moves only when the test moves it. */
    private Committer<Ctx> manual(ManualClock clock, long maxBytes, AtomicInteger commits) {
        return Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).clock(clock)
                .batch(Committer.MAX_DELAY_MS, maxBytes).onCommit(n -> commits.incrementAndGet()).start();
    }

    private boolean committed(String name) {
        return store.read(r -> new FsReader(r, 0, Long.MAX_VALUE).find(FsReader.ROOT, name)) != 0;
    }

    /** Waits (bounded) for {@code done}; false if it never came. */
    private static boolean eventually(java.util.function.BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + BOUND.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Test
    void aBatchCommitsWhenItsClockRunsOutOrItsSizeIsReachedNotBefore() throws InterruptedException {
        committer.close();
        ManualClock clock = new ManualClock();
        AtomicInteger commits = new AtomicInteger();
        committer = manual(clock, 8192, commits);

        committer.write(ctx -> ctx.writer().mknod(FsReader.ROOT, "a", Inode.S_IFREG | 0644, 0, 0, 0), 0);
        Thread.sleep(3 * Committer.MAX_DELAY_MS); // real time passes; the engine's clock does not
        assertThat(committed("a")).as("acknowledged, not committed while the clock stands").isFalse();
        assertThat(commits).hasValue(0);

        clock.advanceMillis(Committer.MAX_DELAY_MS);
        assertThat(eventually(() -> committed("a"))).as("committed once the delay has passed").isTrue();
        assertThat(commits).hasValue(1);

        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[8192];
        committer.writeBehind(h, ctx -> ctx.writer().write(file, 0, data, 0, data.length), data.length);
        assertThat(eventually(() -> commits.get() == 2)).as("8 KiB reach the batch's size: it commits").isTrue();
        assertThat(committer.drain(h)).isNull();
    }

    /**
     * What a written-back write's caller gives to run afterwards (the mount gives its buffer back
     * to a pool) runs exactly once: after the write has run, after it was skipped behind an earlier
     * error of its handle, or when it is dropped at close; never while it may still run, and not
     * when the write was refused before it was queued.
     */
    @Test
    void whatAWrittenBackWriteRunsAfterItRunsOnceWhenItsDataIsNoLongerNeeded() throws InterruptedException {
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[4096];
        AtomicInteger ran = new AtomicInteger();
        AtomicInteger afterRan = new AtomicInteger();
        AtomicInteger ranBeforeAfter = new AtomicInteger(-1);
        committer.writeBehind(h, ctx -> {
            ran.incrementAndGet();
            return ctx.writer().write(file, 0, data, 0, data.length);
        }, data.length, () -> {
            ranBeforeAfter.set(ran.get());
            afterRan.incrementAndGet();
        });
        assertThat(committer.drain(h)).isNull();
        assertThat(afterRan).hasValue(1);
        assertThat(ranBeforeAfter).as("after the write ran").hasValue(1);

        // Skipped behind an earlier error of its handle: not run, its after still is.
        h.failed(new FsException(Errno.EIO, "an earlier write-back failed"));
        AtomicInteger skippedAfter = new AtomicInteger();
        committer.writeBehind(h, ctx -> {
            ran.incrementAndGet();
            return 0;
        }, data.length, skippedAfter::incrementAndGet);
        assertThat(committer.drain(h)).isNotNull();
        assertThat(ran).as("the write after the error did not run").hasValue(1);
        assertThat(skippedAfter).hasValue(1);

        // Refused before it is queued (the engine is closed): the caller keeps its data.
        committer.close();
        AtomicInteger refusedAfter = new AtomicInteger();
        WriteHandle h2 = new WriteHandle(file);
        assertThatThrownBy(() -> committer.writeBehind(h2, ctx -> 0, data.length, refusedAfter::incrementAndGet))
                .isInstanceOf(FsException.class);
        assertThat(refusedAfter).hasValue(0);
        assertThat(afterRan).as("never twice").hasValue(1);
        assertThat(skippedAfter).hasValue(1);
    }

    @Test
    void aTaskOnTheWriterThreadThatWaitsForTheEngineFailsInsteadOfHanging() {
        committer.close();
        committer = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).clock(new ManualClock()).start();
        // An acknowledged change first, in the same transaction: the clock stands.
        committer.write(ctx -> {
            ctx.writer().utimens(file, 5_000_000_000L, 5_000_000_000L);
            return null;
        }, 0);
        FsException e = assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(
                FsException.class, () -> committer.write(ctx -> {
                    committer.sync();
                    return null;
                }, 1)));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EIO);
        assertThat(e.getMessage()).contains("syncs").contains("on the writer thread").contains("would wait for itself");
        assertThatThrownBy(committer::sync)
                .as("the failed task's transaction is lost with the change acknowledged in it, and the next sync says so")
                .hasMessageContaining("an earlier commit failed");
        committer.sync(); // and the engine goes on

        // Alone in its transaction, the failed task loses nothing acknowledged: only its caller hears of it.
        assertThat(catchThrowableOfType(FsException.class, () -> committer.write(ctx -> {
            committer.sync();
            return null;
        }, 1))).isNotNull();
        committer.sync();
        assertThat(committer.read(ctx -> ctx.getattr(file)).mtimeNs()).as("the lost change").isNotEqualTo(5_000_000_000L);
    }

    /**
     * A read of an object whose written-back data has run but is not committed runs in the open
     * transaction on the caller's thread, and sees that data; once it is committed, on a snapshot.
     */
    @Test
    void aReadOfDataThatHasRunTakesNoTurnOnTheWriterThread() throws InterruptedException {
        committer.close();
        ManualClock clock = new ManualClock(); // stands: the transaction stays open
        AtomicInteger commits = new AtomicInteger();
        committer = manual(clock, Committer.MAX_BYTES, commits);
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[Committer.HERE_MAX]; // queued, and run by the writer thread
        Thread[] writtenOn = new Thread[1];
        committer.writeBehind(h, ctx -> {
            writtenOn[0] = Thread.currentThread();
            return ctx.writer().write(file, 0, data, 0, data.length);
        }, data.length);
        assertThat(eventually(() -> h.queued() == 0)).isTrue();
        assertThat(writtenOn[0]).isNotSameAs(Thread.currentThread());
        assertThat(committer.settled()).as("run, not committed").isFalse();

        Thread[] caller = new Thread[1];
        Thread[] ranOn = new Thread[1];
        Inode seen = assertTimeoutPreemptively(BOUND, () -> {
            caller[0] = Thread.currentThread();
            return committer.readData(file, ctx -> {
                ranOn[0] = Thread.currentThread();
                assertThat(ctx.txn()).as("in the open transaction").isNotNull();
                return ctx.getattr(file);
            });
        });
        assertThat(ranOn[0]).isSameAs(caller[0]);
        assertThat(seen.size()).isEqualTo(data.length);
        assertThat(commits.get()).isZero();

        clock.advanceMillis(Committer.MAX_DELAY_MS + 1);
        assertThat(eventually(() -> commits.get() == 1)).isTrue();
        Inode committed = committer.readData(file, ctx -> {
            ranOn[0] = Thread.currentThread();
            return ctx.getattr(file);
        });
        assertThat(ranOn[0]).isSameAs(Thread.currentThread());
        assertThat(committed.size()).isEqualTo(data.length);
        assertThat(committer.drain(h)).isNull();
    }

    /**
     * An object's count of written-back data stays visible while one thread adds to it and another
     * takes its own away: a count held apart from the map, which a decrement to zero removed, once
     * let a read of the object go ahead of data not yet run (found by the stress test).
     */
    @Test
    void aCountOfAnObjectsDataIsNeverLostBetweenThreads() throws InterruptedException {
        ConcurrentHashMap<Object, Integer> counts = new ConcurrentHashMap<>();
        Object key = 7L;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        AtomicBoolean stop = new AtomicBoolean();
        Thread other = new Thread(() -> {
            for (int i = 0; i < 50_000_000 && !stop.get(); i++) {
                Committer.count(counts, key);
                Committer.uncount(counts, key);
            }
        });
        other.start();
        int lost = 0;
        try {
            for (int i = 0; i < 50_000_000 && System.nanoTime() < end; i++) {
                Committer.count(counts, key);
                if (!Committer.counted(counts, key)) {
                    lost++;
                }
                Committer.uncount(counts, key);
            }
        } finally {
            stop.set(true);
            other.join(BOUND.toMillis());
        }
        assertThat(lost).isZero();
        assertThat(Committer.counted(counts, key)).isFalse();
    }

    /**
     * A small written-back write that nothing precedes runs in the open transaction on its
     * caller's thread; it is unsettled until its transaction commits, and an error it meets goes to
     * its handle as a queued write's would.
     */
    @Test
    void aSmallWriteThatNothingPrecedesRunsOnItsCallersThreadAndIsStillWrittenBack() throws InterruptedException {
        committer.close();
        ManualClock clock = new ManualClock();
        AtomicInteger commits = new AtomicInteger();
        committer = manual(clock, Committer.MAX_BYTES, commits);
        // A transaction is open, and stays open while the clock stands, once a change runs on this thread.
        assertThat(eventually(() -> committer.write(ctx -> Thread.currentThread(), 0) == Thread.currentThread())).isTrue();
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[10_240];
        Thread[] writtenOn = new Thread[1];
        committer.writeBehind(h, ctx -> {
            writtenOn[0] = Thread.currentThread();
            return ctx.writer().write(file, 0, data, 0, data.length);
        }, data.length);
        assertThat(writtenOn[0]).isSameAs(Thread.currentThread());
        assertThat(h.queued()).isZero();
        assertThat(committer.settled()).as("run, not committed").isFalse();
        assertThat(committer.readData(file, ctx -> ctx.getattr(file)).size()).isEqualTo(data.length);
        assertThat(committed(file)).isZero();

        WriteHandle gone = new WriteHandle(12345L);
        committer.writeBehind(gone, ctx -> ctx.writer().write(12345L, 0, data, 0, 1), 1);
        assertThat(gone.error()).as("a write to an object that does not exist").isNotNull();

        clock.advanceMillis(Committer.MAX_DELAY_MS + 1);
        assertThat(eventually(() -> commits.get() == 1 && committer.settled())).isTrue();
        assertThat(committed(file)).isEqualTo(data.length);
        assertThat(committer.drain(h)).isNull();
        assertThat(committer.drain(gone)).isNotNull();
    }

    private long committed(long ino) {
        return store.read(r -> new FsReader(r, 0, Long.MAX_VALUE).getattr(ino)).size();
    }

    @Test
    void aChangeInTheOpenTransactionThatWaitsForQueuedDataFailsInsteadOfHanging() throws InterruptedException {
        committer.close();
        ManualClock clock = new ManualClock(); // stands: the transaction stays open
        committer = manual(clock, Committer.MAX_BYTES, new AtomicInteger());
        WriteHandle h = new WriteHandle(file);
        byte[] data = new byte[100];
        committer.writeBehind(h, ctx -> ctx.writer().write(file, 0, data, 0, data.length), data.length);
        assertThat(eventually(() -> h.queued() == 0)).isTrue();

        // A write queued from inside the transaction cannot run before the task that queued it
        // ends, so a read of its object there would wait for itself.
        FsException e = assertTimeoutPreemptively(BOUND, () -> catchThrowableOfType(
                FsException.class, () -> committer.write(ctx -> {
                    byte[] large = new byte[Committer.HERE_MAX]; // queued: it does not run on this thread
                    committer.writeBehind(h, c -> c.writer().write(file, 100, large, 0, large.length), large.length);
                    return committer.readData(file, c -> c.getattr(file));
                }, 0)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("in the open transaction").contains("would wait for itself");
        assertThatThrownBy(() -> assertTimeoutPreemptively(BOUND, () -> committer.write(ctx -> {
            committer.close();
            return null;
        }, 0))).hasMessageContaining("closes the engine");
    }

    /**
     * A second close while the first is between refusing new tasks and stopping the writer
     * thread returns only once the engine is closed, not at once.
     */
    @Test
    void aCloseDuringAnotherReturnsOnlyOnceTheEngineIsClosed() throws Exception {
        CountDownLatch secondReturned = new CountDownLatch(1);
        CountDownLatch firstHeld = new CountDownLatch(1);
        Committer<Ctx> c = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).interleaving(p -> {
            if (p == Committer.Point.CLOSING && firstHeld.getCount() > 0) {
                firstHeld.countDown();
                try {
                    secondReturned.await(500, TimeUnit.MILLISECONDS); // bounded
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).start();
        c.write(ctx -> ctx.writer().mknod(FsReader.ROOT, "before-close", Inode.S_IFREG | 0644, 0, 0, 0), 0);
        Thread first = new Thread(c::close, "first-close");
        first.start();
        assertThat(firstHeld.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        c.close();
        boolean stoppedWhenReturned = c.stopped();
        secondReturned.countDown();
        first.join(BOUND.toMillis());
        assertThat(stoppedWhenReturned).as("the second close returned after the writer thread ended").isTrue();
        assertThat(first.isAlive()).isFalse();
        assertThat(committed("before-close")).isTrue();
    }

    /**
     * A sync that saw the engine open but queues its task only after the engine has closed fails
     * (EIO) instead of waiting for ever for a writer thread that is gone.
     */
    @Test
    void aTaskQueuedAfterTheEngineClosedFailsInsteadOfWaitingForEver() throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Committer<Ctx> c = Committer.builder(store, Ctx::new).interleaving(p -> {
            if (p == Committer.Point.QUEUEING && Thread.currentThread().getName().equals("late-sync")) {
                held.countDown();
                try {
                    closed.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).start();
        List<Throwable> outcome = Collections.synchronizedList(new ArrayList<>());
        Thread syncer = new Thread(() -> {
            try {
                c.sync();
                outcome.add(null);
            } catch (RuntimeException e) {
                outcome.add(e);
            }
        }, "late-sync");
        syncer.start();
        assertThat(held.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        c.close();
        assertThat(c.stopped()).isTrue();
        closed.countDown();
        syncer.join(5000);
        assertThat(syncer.isAlive()).as("the late sync still waits").isFalse();
        assertThat(outcome).hasSize(1);
        assertThat(outcome.get(0)).isInstanceOf(FsException.class).hasMessageContaining("closing");
    }
    /**
     * A mount keeps what the kernel caches until the store changes under it: the engine tells it
     * of every commit not its own, both when its next transaction begins and while it is idle,
     * never of its own, and each time with the TID after which the change index holds the other
     * writer's changes and none of its own.
     */
    @Test
    void commitsByAnotherWriterAreToldAndItsOwnAreNot() throws InterruptedException {
        List<List<Long>> told = Collections.synchronizedList(new ArrayList<>());
        committer.onOtherWrites((now, since) -> {
            List<Long> changed = new ArrayList<>();
            now.scanChanges(0, since, null, org.hammer.core.tid.Tid.MAX, (tid, key) -> changed.add(tid));
            told.add(changed.stream().distinct().toList());
        });
        for (int i = 0; i < 5; i++) {
            timesThroughTheEngine(1);
        }
        Thread.sleep(3 * Committer.LOOK_MS);
        assertThat(told).as("told of its own commits").isEmpty();

        // Another writer while the engine is idle: told within a look or two.
        long first = timesByAnotherWriter(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (told.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(told).as("told of another writer's commit while idle").containsExactly(List.of(first));

        // Another writer just before the engine's next transaction: told as that transaction
        // begins, whether or not an idle look came first, once, and with only that commit's change.
        timesThroughTheEngine(3);
        long second = timesByAnotherWriter(4);
        timesThroughTheEngine(5);
        Thread.sleep(3 * Committer.LOOK_MS);
        assertThat(told).as("told of each other commit once, with its change alone")
                .containsExactly(List.of(first), List.of(second));
        assertThat(committer.read(ctx -> ctx.getattr(file)).mtimeNs()).isEqualTo(5);
    }

    /** Sets the file's times to {@code t} through the engine, committed and synced. */
    private void timesThroughTheEngine(long t) {
        committer.write(ctx -> {
            ctx.writer().utimens(file, t, t);
            return null;
        }, 0);
        committer.sync();
    }

    /** Sets the file's times to {@code t} in a store write of its own, as another writer; returns its TID. */
    private long timesByAnotherWriter(long t) {
        return store.write(w -> {
            new FsWriter(w, 0).utimens(file, t, t);
            return w.tid();
        });
    }
}
