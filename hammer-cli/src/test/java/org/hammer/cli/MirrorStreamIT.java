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

            stream.terminate();
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

    @Test
    void aMasterAsTargetEndsTheStreamWithARefusal() {
        CliResult r = CliRunner.create().run("mirror-stream", "--retry", "0", pair.slavePath(), pair.masterPath());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.stderr()).contains("hammer: mirror-stream ").contains("is a master");
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
