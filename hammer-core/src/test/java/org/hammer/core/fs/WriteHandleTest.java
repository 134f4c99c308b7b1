package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * The error slot of a handle under threads that fail write-backs and threads that report them
 * (flush, fsync) at once: every error kept is reported exactly once — none lost, none twice.
 * Seeded: {@code -Dhammer.test.seed=N} replays a run.
 */
class WriteHandleTest {
    private static final long SEED = Long.getLong("hammer.test.seed", System.nanoTime());
    private static final int THREADS = 4;
    private static final int OPS = 200_000;
    private static final long MAX_NANOS = 3_000_000_000L;

    @Test
    void everyKeptErrorIsTakenExactlyOnce() throws Exception {
        WriteHandle h = new WriteHandle("file");
        List<List<FsException>> kept = new ArrayList<>();
        List<List<FsException>> taken = new ArrayList<>();
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Thread> threads = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int i = 0; i < THREADS; i++) {
            List<FsException> k = new ArrayList<>();
            List<FsException> t = new ArrayList<>();
            kept.add(k);
            taken.add(t);
            Random rnd = new Random(SEED + i);
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    long end = System.nanoTime() + MAX_NANOS;
                    for (int n = 0; n < OPS && System.nanoTime() < end; n++) {
                        if (rnd.nextBoolean()) {
                            FsException e = new FsException(Errno.EIO, "write-back " + n);
                            if (h.failed(e)) {
                                k.add(e);
                            }
                        } else {
                            FsException e = h.takeError();
                            if (e != null) {
                                t.add(e);
                            }
                        }
                    }
                } catch (Exception e) {
                    failure[0] = e;
                }
            }, "slot-" + i);
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join(30_000);
            assertThat(th.isAlive()).isFalse();
        }
        assertThat(failure[0]).isNull();
        FsException left = h.takeError();

        Map<FsException, Integer> reports = new IdentityHashMap<>();
        taken.forEach(l -> l.forEach(e -> reports.merge(e, 1, Integer::sum)));
        if (left != null) {
            reports.merge(left, 1, Integer::sum);
        }
        Map<FsException, Boolean> keptSet = new IdentityHashMap<>();
        kept.forEach(l -> l.forEach(e -> keptSet.put(e, true)));

        String seed = "seed " + SEED + " (replay with -Dhammer.test.seed=" + SEED + ")";
        assertThat(keptSet).as("errors kept, %s", seed).isNotEmpty();
        assertThat(reports.values()).as("an error reported twice, %s", seed).allMatch(c -> c == 1);
        assertThat(reports.keySet()).as("reported but never kept, %s", seed).allMatch(keptSet::containsKey);
        assertThat(keptSet.keySet()).as("kept but never reported (lost), %s", seed).allMatch(reports::containsKey);
    }
}
