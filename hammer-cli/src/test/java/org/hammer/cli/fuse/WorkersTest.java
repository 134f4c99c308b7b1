package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The FUSE loop's workers end together: teardown waits for each, and a failing one wakes the rest. */
class WorkersTest {

    private static Thread awaiting(Workers w) {
        Thread t = new Thread(w::awaitAll, "teardown");
        t.start();
        return t;
    }

    /** A worker still inside a long request (a big fsync) keeps the teardown waiting, however long. */
    @Test
    void teardownWaitsForAWorkerBusyLongerThanAnyTimeout() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger index = new AtomicInteger();
        Workers w = new Workers("w-", 3, () -> {
            if (index.getAndIncrement() == 0) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            finished.incrementAndGet();
            return true;
        }, woken::incrementAndGet);
        w.start();
        Thread teardown = awaiting(w);
        teardown.join(2500);
        boolean waitedWhileBusy = teardown.isAlive();
        int finishedMeanwhile = finished.get();
        release.countDown();
        teardown.join(30_000);

        assertThat(finishedMeanwhile).isEqualTo(2);
        assertThat(waitedWhileBusy).as("teardown returned while a worker was still busy").isTrue();
        assertThat(teardown.isAlive()).isFalse();
        assertThat(finished).hasValue(3);
        assertThat(woken).as("normal ends wake nobody").hasValue(0);
    }

    /** After an error in one worker the others, waiting in read(), are woken once and all end. */
    @Test
    void aFailingWorkerWakesTheOthersOnce() throws InterruptedException {
        CountDownLatch sessionOver = new CountDownLatch(1);
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger index = new AtomicInteger();
        Workers w = new Workers("w-", 4, () -> {
            int i = index.getAndIncrement();
            if (i == 0) {
                return false; // reading /dev/fuse failed
            }
            if (i == 1) {
                throw new IllegalStateException("a bug in a callback's plumbing");
            }
            try {
                return sessionOver.await(30, TimeUnit.SECONDS); // in read() until woken
            } catch (InterruptedException e) {
                return false;
            }
        }, () -> {
            woken.incrementAndGet();
            sessionOver.countDown();
        });
        w.start();
        Thread teardown = awaiting(w);
        teardown.join(30_000);

        assertThat(teardown.isAlive()).isFalse();
        assertThat(woken).hasValue(1);
    }
}
