package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
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

    @Test
    void aTaskOnTheWriterThreadThatWaitsForTheEngineFailsInsteadOfHanging() {
        FsException e = assertTimeoutPreemptively(BOUND, () -> org.assertj.core.api.Assertions.catchThrowableOfType(
                FsException.class, () -> committer.write(ctx -> {
                    committer.sync();
                    return null;
                }, 1)));
        assertThat(e).isNotNull();
        assertThat(e.errno()).isEqualTo(Errno.EIO);
        assertThat(e.getMessage()).contains("syncs").contains("on the writer thread").contains("would wait for itself");
        assertThatThrownBy(committer::sync).as("the failed task's transaction is lost, and the next sync says so")
                .hasMessageContaining("an earlier commit failed");
        committer.sync(); // and the engine goes on
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

        FsException e = assertTimeoutPreemptively(BOUND, () -> org.assertj.core.api.Assertions.catchThrowableOfType(
                FsException.class, () -> committer.write(ctx -> committer.readData(file, c -> c.getattr(file)), 0)));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).contains("in the open transaction").contains("would wait for itself");
        assertThatThrownBy(() -> assertTimeoutPreemptively(BOUND, () -> committer.write(ctx -> {
            committer.close();
            return null;
        }, 0))).hasMessageContaining("closes the engine");
    }

    /**
     * Many threads close at once, again and again: every one returns only once the writer thread
     * has ended, and what was acknowledged before is committed.
     */
    @Test
    void concurrentClosesAllReturnOnceTheEngineIsClosed() throws Exception {
        committer.close();
        int closers = 4;
        for (int round = 0; round < 200; round++) {
            Committer<Ctx> c = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).start();
            String name = "r" + round;
            c.write(ctx -> ctx.writer().mknod(FsReader.ROOT, name, Inode.S_IFREG | 0644, 0, 0, 0), 0);
            CyclicBarrier start = new CyclicBarrier(closers);
            List<String> early = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < closers; i++) {
                Thread t = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception x) {
                        throw new IllegalStateException(x);
                    }
                    c.close();
                    if (!c.stopped()) {
                        early.add(Thread.currentThread().getName());
                    }
                }, "closer-" + i);
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join(BOUND.toMillis());
                assertThat(t.isAlive()).as("closer %s returned", t.getName()).isFalse();
            }
            assertThat(early).as("round %d: closes that returned before the writer thread ended", round).isEmpty();
            assertThat(committed(name)).as("round %d: acknowledged before the close", round).isTrue();
            assertThatThrownBy(c::sync).isInstanceOf(FsException.class).hasMessageContaining("closing");
        }
        committer = Committer.builder(store, Ctx::new).start(); // for the @AfterEach
    }

    /** A sync offered while the engine closes either runs or fails; it never waits for ever. */
    @Test
    void workOfferedWhileTheEngineClosesNeverHangs() throws Exception {
        committer.close();
        for (int round = 0; round < 100; round++) {
            Committer<Ctx> c = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer).start();
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger outcomes = new AtomicInteger();
            Thread syncer = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 50; i++) {
                        try {
                            c.sync();
                        } catch (FsException e) {
                            assertThat(e.getMessage()).contains("closing");
                        }
                        outcomes.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            syncer.start();
            go.countDown();
            c.close();
            syncer.join(BOUND.toMillis());
            assertThat(syncer.isAlive()).as("round %d: a sync waits for ever", round).isFalse();
            assertThat(outcomes).hasValue(50);
        }
        committer = Committer.builder(store, Ctx::new).start();
    }
}
