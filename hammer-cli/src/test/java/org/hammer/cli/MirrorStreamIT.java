package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.MirrorPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirror-stream between local stores, with this test process as the writer on the master.
 *
 * <pre>
 * tmp/master.hammer/pfs/test   master, written here
 * tmp/slave.hammer/pfs/test    slave, kept up to date by the mirror-stream process
 * tmp/third.hammer/pfs/test    a slave of the slave (cascade)
 * </pre>
 */
class MirrorStreamIT {
    @TempDir
    Path tmp;
    MirrorPair pair;

    @BeforeEach
    void stores() {
        pair = MirrorPair.create(tmp, true);
    }

    @AfterEach
    void close() {
        pair.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aChangeSyncedOnTheMasterShowsOnTheSlaveWithoutRestartingAnything() throws Exception {
        pair.write("first", bytes("one"));
        Path score = tmp.resolve("score");
        try (StreamProcess stream = StreamProcess.start(tmp.resolve("stream.log"), Map.of(), "mirror-stream", "-i",
                "0", "-v", "-e", score.toString(), pair.masterPath(), pair.slavePath())) {
            stream.await("the first mirror", 30, () -> pair.slave().tree().containsKey("/first"));
            stream.await("the scoreboard's Waiting", 10, () -> read(score).startsWith("Waiting"));

            long tid = pair.write("second", bytes("two"));
            long t0 = System.nanoTime();
            stream.await("the second file on the slave", 30,
                    () -> Long.compareUnsigned(pair.slave().syncEndTid(), tid) >= 0);
            double latency = (System.nanoTime() - t0) / 1e9;
            System.out.printf("mirror-stream -i 0: commit to visible on the slave in %.3f s%n", latency);

            MirrorPair.SlaveView slave = pair.slave();
            assertThat(slave.tree()).isEqualTo(pair.masterTree(slave.syncEndTid())).containsKey("/second");
            assertThat(latency).as("seconds from commit to visible").isLessThan(1.0);
            assertThat(stream.log()).contains("Mirror-read " + pair.masterPath() + ": batch");

            assertThat(stream.terminate()).as("exit status after SIGTERM (systemd's stop)").isZero();
            assertThat(stream.log()).contains("stopped: 1 sessions");
            assertThat(read(score)).startsWith("Stopped").contains("slave=0x");
        }
    }

    @Test
    void aSlaveSourceStreamsWhatItsOwnUpstreamMirrorBrings() {
        String third = pair.addSlave("third");
        CliRunner hammer = CliRunner.create();
        pair.write("a", bytes("a"));
        assertThat(hammer.run("mirror-copy", pair.masterPath(), pair.slavePath()).exitCode()).isZero();
        try (StreamProcess stream = StreamProcess.start(tmp.resolve("stream.log"), Map.of(), "mirror-stream", "-i",
                "0", pair.slavePath(), third)) {
            stream.await("the first cascade", 30, () -> pair.slave("third").tree().containsKey("/a"));

            long tid = pair.write("b", bytes("b"));
            CliResult copy = hammer.run("mirror-copy", pair.masterPath(), pair.slavePath());
            assertThat(copy.exitCode()).as(copy.toString()).isZero();

            stream.await("b on the slave's slave", 30,
                    () -> Long.compareUnsigned(pair.slave("third").syncEndTid(), tid) >= 0);
            assertThat(pair.slave("third").tree()).isEqualTo(pair.slave().tree()).containsKey("/b");
        }
    }

    /**
     * At boot a stream may start before the store of its target is mounted: it waits, saying so
     * once, and converges when the store appears.
     *
     * <pre>
     * tmp/master.hammer/pfs/test   master with /early
     * tmp/late.hammer              missing when the stream starts; made by newfs later; -y makes pfs/test
     * </pre>
     */
    @Test
    void aStreamStartedBeforeItsTargetStoreExistsWaitsAndConvergesWhenItAppears() {
        pair.write("early", bytes("e"));
        Path late = tmp.resolve("late.hammer");
        String target = late.resolve("pfs/test").toString();
        try (StreamProcess stream = StreamProcess.start(tmp.resolve("stream.log"), Map.of(), "mirror-stream", "-y",
                "-i", "0", "--retry", "0.2", pair.masterPath(), target)) {
            stream.await("the waiting line", 30, () -> stream.log().contains("waiting for " + target));
            pause(1.5); // several retries of 0.2 s
            assertThat(stream.process().isAlive()).as(stream.log()).isTrue();
            assertThat(count(stream.log(), "waiting for ")).as("logged once per cause").isEqualTo(1);

            CliResult newfs = CliRunner.create().run("newfs", late.toString());
            assertThat(newfs.exitCode()).as(newfs.toString()).isZero();
            // Until the stream has made pfs/test in the new store, there is no slave to look at.
            stream.await("/early on the new slave", 30, () -> {
                try {
                    return pair.slave("late").tree().containsKey("/early");
                } catch (RuntimeException notYet) {
                    return false;
                }
            });
            long tid = pair.write("later", bytes("l"));
            stream.await("/later on the new slave", 30,
                    () -> Long.compareUnsigned(pair.slave("late").syncEndTid(), tid) >= 0);
            assertThat(pair.slave("late").tree()).isEqualTo(pair.masterTree(pair.slave("late").syncEndTid()));
            assertThat(stream.terminate()).isZero();
        }
    }

    /** HAMMER's -t: each session ends after that long, idle or not, and the stream reconnects. */
    @Test
    void minusTEndsEachSessionAfterThatLongAndTheStreamReconnects() {
        pair.write("a", bytes("a"));
        try (StreamProcess stream = StreamProcess.start(tmp.resolve("stream.log"), Map.of(), "mirror-stream", "-i",
                "0", "--retry", "0.2", "-t", "1", pair.masterPath(), pair.slavePath())) {
            stream.await("two sessions ended by the timer", 30,
                    () -> count(stream.log(), "session ended by the -t timer (1 s)") >= 2);
            long tid = pair.write("b", bytes("b"));
            stream.await("b on the slave", 30, () -> Long.compareUnsigned(pair.slave().syncEndTid(), tid) >= 0);
            assertThat(pair.slave().tree()).containsKeys("/a", "/b");
            assertThat(stream.terminate()).isZero();
            assertThat(stream.log()).contains("interrupted: timeout of 1 s reached");
        }
    }

    private static void pause(double seconds) {
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aMasterAsTargetEndsTheStreamWithARefusal() {
        CliResult r = CliRunner.create().run("mirror-stream", "--retry", "0", pair.slavePath(), pair.masterPath());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("hammer: mirror-stream ").contains("is a master");
    }

    /** How many times {@code what} occurs in {@code log}. */
    static int count(String log, String what) {
        int n = 0;
        for (int i = log.indexOf(what); i >= 0; i = log.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
