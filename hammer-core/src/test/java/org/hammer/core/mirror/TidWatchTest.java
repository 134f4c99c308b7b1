package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TidWatchTest {
    @TempDir
    Path tmp;
    Store store;
    PfsConfig master;
    StopSignal stop = new StopSignal();

    @BeforeEach
    void store() {
        store = Store.create(tmp.resolve("a"), "A", 1L << 30);
        Pfses.format(store, "A");
        master = Pfses.create(store, FsReader.ROOT, "test", PfsMode.MASTER, null);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private TidWatch watch(Duration delay, Duration heartbeat) {
        return new TidWatch(store, master.id(), delay, heartbeat, stop, StreamStatus.NONE);
    }

    @Test
    void wakesSoonAfterACommit() throws Exception {
        long sent = store.lastTid();
        Thread writer = new Thread(() -> {
            sleep(100);
            store.write(w -> Pfses.writer(w, master.id()).mkdir(FsReader.ROOT, "d", 0755, 0, 0));
        });
        writer.start();
        long t0 = System.nanoTime();

        assertThat(watch(Duration.ZERO, Duration.ofSeconds(30)).awaitMore(sent)).isTrue();

        double waited = (System.nanoTime() - t0) / 1e9;
        assertThat(waited).isBetween(0.09, 5.0);
        assertThat(store.lastTid()).isGreaterThan(sent);
        writer.join();
    }

    @Test
    void keepsTheDelayBetweenRounds() {
        TidWatch w = watch(Duration.ofMillis(300), Duration.ofSeconds(30));
        store.write(x -> Pfses.writer(x, master.id()).mkdir(FsReader.ROOT, "d", 0755, 0, 0));
        long t0 = System.nanoTime();

        assertThat(w.awaitMore(0)).isTrue();

        assertThat((System.nanoTime() - t0) / 1e9).isGreaterThanOrEqualTo(0.25);
    }

    @Test
    void aHeartbeatEndsAQuietWaitAndAStopEndsAnyWait() {
        long sent = store.lastTid();
        assertThat(watch(Duration.ZERO, Duration.ofMillis(50)).awaitMore(sent)).isTrue();

        new Thread(() -> {
            sleep(50);
            stop.stop();
        }).start();
        assertThat(watch(Duration.ZERO, Duration.ofSeconds(30)).awaitMore(sent)).isFalse();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
