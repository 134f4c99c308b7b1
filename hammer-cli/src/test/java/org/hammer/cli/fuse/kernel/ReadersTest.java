package org.hammer.cli.fuse.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which workers read the device: the readers always, a spare only while every worker that was
 * reading waits for the store, and no worker left parked when the session ends.
 */
@Timeout(30)
class ReadersTest {
    /** Waits (at most 10 s) until {@code done}. */
    private static void until(BooleanSupplier done) throws InterruptedException {
        for (int i = 0; i < 1000 && !done.getAsBoolean(); i++) {
            Thread.sleep(10);
        }
        assertThat(done.getAsBoolean()).as("reached within 10 s").isTrue();
    }

    @Test
    void readersGoOnAndASpareParksUntilCalled() throws Exception {
        Readers r = new Readers(2);
        assertThat(r.enter(0, false)).isTrue();
        assertThat(r.enter(1, false)).isTrue();
        assertThat(r.inRead()).isEqualTo(2);

        CompletableFuture<Boolean> spare = CompletableFuture.supplyAsync(() -> r.enter(2, false));
        until(() -> r.parked() == 1);
        r.waiting(); // a worker about to wait while two are in read: nobody is called
        Thread.sleep(50);
        assertThat(spare).isNotDone();

        r.left(); // worker 0 took a request
        r.left(); // worker 1 took one
        r.waiting(); // and is about to wait for the store: nobody is left reading
        assertThat(spare.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(r.inRead()).isEqualTo(1);
        assertThat(r.parked()).isZero();
    }

    @Test
    void anActiveSpareReadsOnWhileNobodyElseDoesThenParks() throws Exception {
        Readers r = new Readers(1);
        assertThat(r.enter(0, false)).isTrue();
        r.left(); // the reader took a request
        CompletableFuture<Boolean> spare = CompletableFuture.supplyAsync(() -> r.enter(1, false));
        until(() -> r.parked() == 1);
        r.waiting();
        assertThat(spare.get(10, TimeUnit.SECONDS)).isTrue();
        r.left(); // the spare took a request; the reader still waits for the store
        assertThat(r.enter(1, true)).as("nobody else reads: the spare reads again").isTrue();
        r.left();
        assertThat(r.enter(0, true)).isTrue(); // the reader is back in read

        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(() -> r.enter(1, true));
        until(() -> r.parked() == 1);
        assertThat(again).as("another worker reads: the spare parks").isNotDone();
        r.end();
        assertThat(again.get(10, TimeUnit.SECONDS)).as("ended: the spare stops").isFalse();
        assertThat(r.enter(0, true)).isFalse();
    }

    @Test
    void oneCallWakesOneSpareAndNoMoreWhileItReads() throws Exception {
        Readers r = new Readers(1);
        CompletableFuture<Boolean> a = CompletableFuture.supplyAsync(() -> r.enter(1, false));
        CompletableFuture<Boolean> b = CompletableFuture.supplyAsync(() -> r.enter(2, false));
        until(() -> r.parked() == 2);
        r.waiting();
        until(() -> a.isDone() || b.isDone());
        assertThat(r.inRead()).isEqualTo(1);
        r.waiting(); // another worker about to wait, but a spare is in read now
        Thread.sleep(50);
        assertThat(a.isDone() && b.isDone()).as("the other spare stays parked").isFalse();
        assertThat(r.parked()).isEqualTo(1);
        r.end();
        assertThat(a.get(10, TimeUnit.SECONDS) ^ b.get(10, TimeUnit.SECONDS)).as("one read, one stopped").isTrue();
    }
}
