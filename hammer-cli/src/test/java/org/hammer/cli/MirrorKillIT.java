package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of mirror-write, and separately of mirror-read, at random points of a large copy: each
 * rerun completes the copy, re-sending at most about two chunks per kill, and the slave ends equal
 * to the master. The two ends run as separate processes joined by two pipes (two-way mode).
 */
class MirrorKillIT {
    /**
     * What one kill may cost: the chunk the target is committing and the one it is receiving, a
     * frame, and the pipes' buffers.
     */
    static final long PER_KILL = 2 * MirrorOptions.CHUNK + (2L << 20);

    @TempDir
    Path tmp;
    CliRunner hammer = CliRunner.create();

    @Test
    @Timeout(600)
    void killedEndsResumeWithAtMostTwoChunksResent() throws Exception {
        run(64, 1 << 20);
    }

    @Test
    @Tag("slow")
    @Timeout(3600)
    void killedEndsResumeOnAGibibyteCopy() throws Exception {
        run(1024, 1 << 20);
    }

    void run(int files, int size) throws Exception {
        long seed = Long.getLong("kill.seed", System.nanoTime());
        System.out.println("MirrorKillIT seed=" + seed + " size=" + (long) files * size);
        Random rnd = new Random(seed);
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("a").toString()));
        MirrorIT.ok(hammer.run("newfs", tmp.resolve("b").toString()));
        String master = tmp.resolve("a/pfs/test").toString();
        String slave = tmp.resolve("b/pfs/test").toString();
        MirrorIT.ok(hammer.run("pfs-master", master));
        MirrorIT.fill(master, "f", files, size, seed);
        String uuid = MirrorIT.ok(hammer.run("pfs-status", master)).stdout()
                .replaceAll("(?s).*shared-uuid=([0-9a-f-]+).*", "$1");
        MirrorIT.ok(hammer.run("pfs-slave", slave, "shared-uuid=" + uuid));
        long full = fullStreamBytes(master);
        long pumped = 0;
        int kills = 0;
        for (int i = 0; i < 20; i++) {
            boolean killWriter = i % 2 == 0;
            long after = (256L << 10) + (long) (rnd.nextDouble() * (full / 12));
            Run r = pair(master, slave, after, killWriter);
            pumped += r.bytes;
            kills += r.killed ? 1 : 0;
            System.out.printf("run %d: killed %s after %d bytes: %s%n", i, killWriter ? "mirror-write" : "mirror-read",
                    r.bytes, r.killed);
        }
        Run last = pair(master, slave, Long.MAX_VALUE, false);
        pumped += last.bytes;
        assertThat(last.exitCodes).containsOnly(0);
        MirrorIT.ok(hammer.run("mirror-verify", master, slave));
        long resent = pumped - full;
        System.out.printf("MirrorKillIT full=%d pumped=%d kills=%d resent=%d (%.2f MiB per kill)%n", full, pumped,
                kills, resent, resent / (double) Math.max(1, kills) / (1 << 20));
        assertThat(kills).isGreaterThanOrEqualTo(10);
        assertThat(resent).isLessThanOrEqualTo(kills * PER_KILL);
    }

    long fullStreamBytes(String master) throws IOException {
        Process p = new ProcessBuilder(hammer.launcher().toString(), "mirror-read", master)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        long n = p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertThat(MirrorIT.waitFor(p)).isZero();
        return n;
    }

    record Run(long bytes, boolean killed, List<Integer> exitCodes) {
    }

    /** Runs mirror-read -2 and mirror-write -2 joined by pipes; kills one after {@code after} bytes. */
    Run pair(String master, String slave, long after, boolean killWriter) throws Exception {
        Process reader = new ProcessBuilder(hammer.launcher().toString(), "mirror-read", "-2", master)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process writer = new ProcessBuilder(hammer.launcher().toString(), "mirror-write", "-2", slave)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AtomicLong down = new AtomicLong();
        AtomicLong up = new AtomicLong();
        Thread t1 = MirrorIT.pump(reader.getInputStream(), writer.getOutputStream(), down);
        Thread t2 = MirrorIT.pump(writer.getInputStream(), reader.getOutputStream(), up);
        boolean killed = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (reader.isAlive() || writer.isAlive()) {
            if (!killed && down.get() >= after) {
                Process victim = killWriter ? writer : reader;
                victim.descendants().forEach(ProcessHandle::destroyForcibly);
                victim.destroyForcibly();
                killed = true;
            }
            if (System.nanoTime() > deadline) {
                reader.destroyForcibly();
                writer.destroyForcibly();
                throw new AssertionError("mirror pair did not finish in 120 s");
            }
            Thread.sleep(2);
        }
        t1.join(10_000);
        t2.join(10_000);
        List<Integer> codes = new ArrayList<>(List.of(reader.exitValue(), writer.exitValue()));
        return new Run(down.get(), killed, codes);
    }
}
