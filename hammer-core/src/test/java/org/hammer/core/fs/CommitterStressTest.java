package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.ForwardingStore;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-back engine under load, without any front end, on a real store on disk: writers
 * appending through their handles and fsyncing, readers, a thread syncing, commits failing
 * (injected, and a store that fills up: ENOSPC), and a close with work still queued. After the
 * store is closed and opened again, every file holds at least what its last acknowledged fsync
 * covered, and every write-back that was lost was reported — to the handle that wrote it or by
 * the sync after it — before an fsync acknowledged it: otherwise the data would be missing.
 *
 * <p>Seeded: a failure names its seed, and {@code -Dhammer.test.seed=N} replays it (the threads'
 * interleaving still varies; the choices each thread makes do not).
 */
class CommitterStressTest {
    private static final long SEED = Long.getLong("hammer.test.seed", System.nanoTime());
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final int OPS = 400;
    private static final long RUN_NANOS = 4_000_000_000L;

    @TempDir
    Path tmp;

    record Ctx(StoreReader r, Committer.Txn txn) {
    }

    /** A store whose commits fail now and then (after their work ran, as a failed commit would). */
    static final class FailingStore extends ForwardingStore {
        private final Random rnd;
        private final double p;
        final AtomicInteger injected = new AtomicInteger();

        FailingStore(Store store, long seed, double p) {
            super(store);
            this.rnd = new Random(seed);
            this.p = p;
        }

        @Override
        public <T> T write(Function<StoreWriter, T> work) {
            return store.write(w -> {
                T result = work.apply(w);
                boolean fail;
                synchronized (rnd) {
                    fail = rnd.nextDouble() < p;
                }
                if (fail) {
                    injected.incrementAndGet();
                    throw new IllegalStateException("injected commit failure");
                }
                return result;
            });
        }
    }

    /** What a writer's file holds at each offset: a function of the writer and the offset alone. */
    static byte content(int writer, long offset) {
        long x = (offset + 1) * 0x9E3779B97F4A7C15L + writer * 0xC2B2AE3D27D4EB4FL;
        return (byte) (x ^ (x >>> 29));
    }

    /** One writer's account: how far its file is acknowledged durable, and what it saw. */
    static final class Account {
        long acked;
        int acks;
        int errors;
        final List<Errno> errnos = Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void acknowledgedFsyncsSurviveInjectedCommitFailuresAndAClose() throws Exception {
        run(SEED, 64L << 20, 0.15);
    }

    /** A store that fills up part way: ENOSPC, reported, and nothing acknowledged is lost. */
    @Test
    void acknowledgedFsyncsSurviveAStoreThatFillsUp() throws Exception {
        Account[] a = run(SEED + 1, (2L + new Random(SEED + 1).nextInt(3)) << 20, 0.0);
        assertThat(Arrays.stream(a).flatMap(x -> x.errnos.stream()))
                .as("the store filled up (seed %d)", SEED + 1).contains(Errno.ENOSPC);
    }

    private Account[] run(long seed, long mapSize, double failures) throws Exception {
        String replay = "seed " + seed + " (replay with -Dhammer.test.seed=" + (seed == SEED + 1 ? SEED : seed)
                + ")";
        Path dir = tmp.resolve("s" + seed);
        Store real = Store.create(dir, "STRESS", mapSize);
        Pfses.format(real, "STRESS");
        long[] files = new long[WRITERS];
        for (int i = 0; i < WRITERS; i++) {
            int n = i;
            files[i] = real.write(w -> Pfses.writer(w, 0).mknod(FsReader.ROOT, "w" + n, Inode.S_IFREG | 0644, 0, 0, 0));
        }
        FailingStore store = new FailingStore(real, seed, failures);
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        Committer<Ctx> committer = Committer.builder(store, Ctx::new).firstWrite(Pfses::writer)
                .errors(new ErrorSink() {
                    @Override
                    public void commitFailed(RuntimeException e) {
                    }

                    @Override
                    public void writerFailed(Throwable e) {
                        unexpected.add(e);
                    }

                    @Override
                    public void finalSyncFailed(RuntimeException e) {
                    }
                })
                .maxQueued(1L << 20) // writers wait for room now and then
                .start();

        Account[] accounts = new Account[WRITERS];
        AtomicBoolean closing = new AtomicBoolean();
        CountDownLatch writersDone = new CountDownLatch(WRITERS);
        long deadline = System.nanoTime() + RUN_NANOS;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            int id = i;
            Account a = accounts[i] = new Account();
            Random rnd = new Random(seed * 31 + i);
            threads.add(new Thread(() -> {
                try {
                    write(committer, id, files[id], a, rnd, deadline, closing);
                } catch (Throwable t) {
                    unexpected.add(t);
                } finally {
                    writersDone.countDown();
                }
            }, "writer-" + i));
        }
        for (int i = 0; i < READERS; i++) {
            Random rnd = new Random(seed * 37 + i);
            threads.add(new Thread(() -> {
                try {
                    byte[] b = new byte[32 * 1024];
                    for (int n = 0; n < OPS && System.nanoTime() < deadline && !closing.get(); n++) {
                        long f = files[rnd.nextInt(WRITERS)];
                        long off = rnd.nextInt(1 << 20);
                        committer.read(ctx -> new FsReader(ctx.r(), 0, Tid.MAX).read(f, off, b, 0, b.length));
                    }
                } catch (FsException e) {
                    // EIO once the engine closes
                } catch (Throwable t) {
                    unexpected.add(t);
                }
            }, "reader-" + i));
        }
        Random syncRnd = new Random(seed * 41);
        threads.add(new Thread(() -> {
            try {
                for (int n = 0; n < OPS / 10 && System.nanoTime() < deadline && !closing.get(); n++) {
                    try {
                        committer.sync();
                    } catch (FsException e) {
                        assertThat(e.errno()).isIn(Errno.EIO, Errno.ENOSPC);
                    }
                    Thread.sleep(syncRnd.nextInt(20));
                }
            } catch (Throwable t) {
                unexpected.add(t);
            }
        }, "syncer"));
        threads.forEach(Thread::start);

        // Close while the writers still queue work.
        Thread.sleep(new Random(seed * 43).nextInt(1500) + 500);
        closing.set(true);
        committer.close();
        for (Thread t : threads) {
            t.join(30_000);
            assertThat(t.isAlive()).as("%s ended, %s", t.getName(), replay).isFalse();
        }
        assertThat(unexpected).as("unexpected failures, %s", replay).isEmpty();
        assertThat(committer.queuedBytes()).as("queue emptied, %s", replay).isZero();
        real.close();

        try (Store reopened = Store.open(dir)) {
            for (int i = 0; i < WRITERS; i++) {
                Account a = accounts[i];
                long f = files[i];
                byte[] back = new byte[(int) a.acked];
                int got = reopened.read(r -> new FsReader(r, 0, Tid.MAX).read(f, 0, back, 0, back.length));
                assertThat(got).as("writer %d: bytes back of %d acknowledged (%d acks, %d errors), %s", i,
                        a.acked, a.acks, a.errors, replay).isEqualTo(back.length);
                for (int p = 0; p < back.length; p++) {
                    if (back[p] != content(i, p)) {
                        throw new AssertionError("writer " + i + ": byte " + p + " of " + a.acked
                                + " acknowledged differs, " + replay);
                    }
                }
            }
        }
        assertThat(Arrays.stream(accounts).mapToInt(x -> x.acks).sum()).as("fsyncs acknowledged, %s", replay)
                .isPositive();
        if (failures > 0) {
            assertThat(store.injected.get() == 0 || Arrays.stream(accounts).mapToInt(x -> x.errors).sum() > 0)
                    .as("injected failures were reported, %s", replay).isTrue();
        }
        return accounts;
    }

    /**
     * Appends through one handle, checks its own writes read back (or an error is pending), and
     * fsyncs now and then; after an error, writes again from where the last fsync left the file.
     */
    private static void write(Committer<Ctx> committer, int id, long file, Account a, Random rnd, long deadline,
            AtomicBoolean closing) {
        WriteHandle h = new WriteHandle(file);
        long end = 0;
        for (int n = 0; n < OPS && System.nanoTime() < deadline; n++) {
            int len = 1 + rnd.nextInt(20_000);
            byte[] b = new byte[len];
            for (int i = 0; i < len; i++) {
                b[i] = content(id, end + i);
            }
            long off = end;
            try {
                committer.writeBehind(h, ctx -> ctx.txn().writer(0).write(file, off, b, 0, len), len);
            } catch (FsException e) {
                assertThat(closing.get()).as("writeBehind refused only when closing: %s", e).isTrue();
                return;
            }
            end += len;
            int op = rnd.nextInt(10);
            try {
                if (op == 0) {
                    // Read-your-writes, unless the write failed (its error is then pending).
                    byte[] back = new byte[len];
                    int got = committer.readData(file,
                            ctx -> new FsReader(ctx.r(), 0, Tid.MAX).read(file, off, back, 0, len));
                    if (got != len || !Arrays.equals(back, b)) {
                        assertThat(h.error()).as("writer %d read back other data at %d with no error pending", id,
                                off).isNotNull();
                    }
                } else if (op <= 2) {
                    committer.sync();
                    FsException e = h.takeError();
                    if (e != null) {
                        throw e;
                    }
                    a.acked = end;
                    a.acks++;
                }
            } catch (FsException e) {
                if (closing.get() && e.getMessage().contains("closing")) {
                    return;
                }
                assertThat(e.errno()).isIn(Errno.EIO, Errno.ENOSPC);
                a.errnos.add(e.errno());
                a.errors++;
                // Drain what is queued, take what it reported, and write again from the last fsync.
                try {
                    committer.drain(h);
                } catch (FsException x) {
                    return; // closing
                }
                end = a.acked;
            }
        }
    }
}
