package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.mirror.LocalTarget;
import org.hammer.core.mirror.MirrorCopy;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.MirrorTarget;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.fixtures.MirrorPair;
import org.hammer.fixtures.Sshd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mirror-copy and mirror-stream over ssh to a private sshd on 127.0.0.1, as root, with
 * HAMMER_RSH pointing ssh at the harness's config.
 *
 * <pre>
 * keys/                        the sshd harness (keys, configs, bin/hammer)
 * tmp/master.hammer/pfs/test   master, written by this process
 * tmp/slave.hammer/pfs/test    slave, reached as root@127.0.0.1:tmp/slave.hammer/pfs/test
 * </pre>
 */
@Tag("ssh")
class SshMirrorIT {
    @TempDir
    static Path keys;
    static Sshd sshd;

    @TempDir
    Path tmp;
    MirrorPair pair;
    CliRunner hammer;

    @BeforeAll
    static void startSshd() {
        assumeTrue(Sshd.available(), "needs root, /usr/sbin/sshd, ssh and ssh-keygen");
        sshd = Sshd.start(keys, CliRunner.create().launcher());
    }

    @AfterAll
    static void stopSshd() {
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void stores() {
        pair = MirrorPair.create(tmp, true);
        hammer = CliRunner.create().withEnv("HAMMER_RSH", sshd.rsh());
    }

    @AfterEach
    void close() {
        pair.close();
    }

    private static String remote(String path) {
        return "root@127.0.0.1:" + path;
    }

    @Test
    void mirrorCopyFillsARemoteSlave() {
        pair.write("hello", "hello\n".getBytes(StandardCharsets.UTF_8));

        CliResult r = hammer.run("mirror-copy", pair.masterPath(), remote(pair.slavePath()));

        assertThat(r.exitCode()).as(r + sshd.log()).isZero();
        MirrorPair.SlaveView slave = pair.slave();
        assertThat(slave.tree()).isEqualTo(pair.masterTree(slave.syncEndTid())).containsKey("/hello");
    }

    @Test
    void mirrorCopyFetchesFromARemoteMasterAndCreatesTheSlaveWithY() {
        pair.write("hello", "hello\n".getBytes(StandardCharsets.UTF_8));
        String fresh = pair.addStore("fresh");

        CliResult r = hammer.run("mirror-copy", "-y", "-z", remote(pair.masterPath()), fresh);

        assertThat(r.exitCode()).as(r + sshd.log()).isZero();
        MirrorPair.SlaveView slave = pair.slave("fresh");
        assertThat(slave.tree()).isEqualTo(pair.masterTree(slave.syncEndTid())).containsKey("/hello");
    }

    /**
     * A writer changes the master continuously while the ssh process of a mirror-stream is killed
     * ten times: each time the stream reconnects and resumes, and in the end the slave equals the
     * master, having received little more than one full copy's worth of bytes.
     */
    @Test
    void mirrorStreamOverSshSurvivesTenKilledLinksDuringWrites() throws Exception {
        pair.write("seed", new byte[4096]);
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            Random rnd = new Random(42);
            for (int i = 0; writing.get(); i++) {
                byte[] data = new byte[512 + rnd.nextInt(8192)];
                rnd.nextBytes(data);
                if (i % 7 == 6) {
                    pair.remove("f" + rnd.nextInt(40));
                } else {
                    pair.write("f" + rnd.nextInt(40), data);
                }
                sleep(5);
            }
        }, "writer");
        writer.start();
        Path log = tmp.resolve("stream.log");
        int kills = 10;
        try (StreamProcess stream = StreamProcess.start(log, Map.of("HAMMER_RSH", sshd.rsh()), "mirror-stream", "-i",
                "0", "--retry", "0.2", "-v", pair.masterPath(), remote(pair.slavePath()))) {
            for (int k = 0; k < kills; k++) {
                long before = pair.slave().syncEndTid();
                if (k % 2 == 0) {
                    // after a batch went through: the next one is cut in flight
                    stream.await("progress before kill " + (k + 1), 30,
                            () -> Long.compareUnsigned(pair.slave().syncEndTid(), before) > 0
                                    && !sshChildren(stream.process()).isEmpty());
                } else {
                    // soon after the reconnect: the handshake or the first batch is cut
                    stream.await("a new ssh before kill " + (k + 1), 30,
                            () -> sshChildren(stream.process()).stream().anyMatch(h -> age(h) > 0.5));
                }
                List<ProcessHandle> victims = sshChildren(stream.process());
                victims.forEach(ProcessHandle::destroyForcibly);
                for (ProcessHandle h : victims) {
                    h.onExit().get(10, TimeUnit.SECONDS);
                }
            }
            writing.set(false);
            writer.join();
            long end = pair.masterTid();
            stream.await("the slave catching up after the writer stopped", 30,
                    () -> Long.compareUnsigned(pair.slave().syncEndTid(), end) >= 0);
            MirrorPair.SlaveView slave = pair.slave();
            assertThat(slave.tree()).isEqualTo(pair.masterTree(slave.syncEndTid()));

            stream.terminate();
            String text = stream.log();
            assertThat(text.split("link lost", -1).length - 1).as(text).isGreaterThanOrEqualTo(kills);
            Matcher m = Pattern.compile("stopped: (\\d+) sessions, (\\d+) bytes sent").matcher(text);
            assertThat(m.find()).as(text).isTrue();
            long sessions = Long.parseLong(m.group(1));
            long streamed = Long.parseLong(m.group(2));
            long batches = text.split(": batch ", -1).length - 1;

            long once = fullCopyBytes(pair.addStore("fresh"));
            System.out.printf("mirror-stream over ssh: %d kills, %d sessions, %d batches, %d bytes streamed; "
                    + "one full copy is %d bytes%n", kills, sessions, batches, streamed, once);
            assertThat(sessions).isGreaterThanOrEqualTo(kills + 1);
            assertThat(streamed).as("bytes streamed, at most twice one copy plus framing")
                    .isLessThanOrEqualTo(2 * once + 200 * batches + 4096 * sessions);
        } finally {
            writing.set(false);
            writer.join();
        }
    }

    /**
     * The far end falls silent without closing the link (its sshd sessions stopped, as a dead
     * router or a suspended host leaves it): ssh gives up once its keep-alives go unanswered, and
     * the stream logs the lost link, reconnects and carries the next change. Without keep-alives
     * (plain {@code ssh -F config}) the same stream waits on the silent link past the deadline.
     */
    @Test
    void mirrorStreamOverSshReconnectsWhenThePeerFallsSilent() throws Exception {
        pair.write("before", "one".getBytes(StandardCharsets.UTF_8));
        Path log = tmp.resolve("stream.log");
        String rsh = sshd.rsh() + " -o ServerAliveInterval=1 -o ServerAliveCountMax=2";
        List<ProcessHandle> stopped = new ArrayList<>();
        try (StreamProcess stream = StreamProcess.start(log, Map.of("HAMMER_RSH", rsh), "mirror-stream", "-i", "0",
                "--retry", "0.2", "-v", pair.masterPath(), remote(pair.slavePath()))) {
            long first = pair.masterTid();
            stream.await("the first sync", 30, () -> Long.compareUnsigned(pair.slave().syncEndTid(), first) >= 0);
            List<ProcessHandle> sessions = sshd.sessions();
            assertThat(sessions).as("sshd sessions of the stream").isNotEmpty();
            for (ProcessHandle h : sessions) {
                signal("STOP", h);
                stopped.add(h);
            }
            pair.write("after", "two".getBytes(StandardCharsets.UTF_8));
            long second = pair.masterTid();
            stream.await("the slave catching up through a new link", 60,
                    () -> Long.compareUnsigned(pair.slave().syncEndTid(), second) >= 0);
            assertThat(stream.log()).contains("link lost");
            MirrorPair.SlaveView slave = pair.slave();
            assertThat(slave.tree()).isEqualTo(pair.masterTree(slave.syncEndTid())).containsKey("/after");
            stream.terminate();
        } finally {
            stopped.forEach(ProcessHandle::destroyForcibly); // SIGKILL ends a stopped process too
        }
    }

    private static void signal(String name, ProcessHandle h) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(h.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s %d", name, h.pid())
                .isTrue();
    }

    /** The stream bytes of one mirror-copy of the whole master into a new slave, run in this process. */
    private long fullCopyBytes(String fresh) {
        MirrorOptions o = MirrorOptions.defaults().withCreateSlave(true).withTwoWay(true);
        try (LocalTarget target = new LocalTarget(fresh, q -> true)) {
            return MirrorCopy.run(
                    (in, out) -> new MirrorSource(pair.master(), pair.masterPfsId(), "master", o).run(in, out),
                    (in, out) -> new MirrorTarget(target, fresh, o).run(in, out)).wireBytes();
        }
    }

    private static double age(ProcessHandle h) {
        return h.info().startInstant().map(t -> Duration.between(t, Instant.now()).toMillis() / 1000.0).orElse(0.0);
    }

    /** The ssh processes the mirror-stream started (its remote shell). */
    private static List<ProcessHandle> sshChildren(Process p) {
        return p.descendants().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/ssh")).orElse(false)).toList();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
