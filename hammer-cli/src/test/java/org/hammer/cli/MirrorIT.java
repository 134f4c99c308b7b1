package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.hammer.proto.Hello;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mirror-read, mirror-write, mirror-copy, mirror-dump and mirror-verify, run as a user runs them. */
class MirrorIT {
    @TempDir
    Path tmp;
    CliRunner hammer = CliRunner.create();
    String master;
    String slave;

    @BeforeEach
    void stores() {
        ok(hammer.run("newfs", "-L", "A", tmp.resolve("a").toString()));
        ok(hammer.run("newfs", "-L", "B", tmp.resolve("b").toString()));
        master = tmp.resolve("a/pfs/test").toString();
        slave = tmp.resolve("b/pfs/test").toString();
        ok(hammer.run("pfs-master", master));
    }

    static CliResult ok(CliResult r) {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r;
    }

    /** Writes {@code files} files of {@code size} random bytes into a PFS, through the core API. */
    static void fill(String pfsPath, String prefix, int files, int size, long seed) {
        Random rnd = new Random(seed);
        try (PfsPath p = PfsPath.resolve(pfsPath)) {
            for (int i = 0; i < files; i++) {
                byte[] data = new byte[size];
                rnd.nextBytes(data);
                int k = i;
                p.store().write(w -> {
                    FsWriter f = Pfses.writer(w, p.pfs());
                    long ino = f.find(p.ino(), prefix + k);
                    if (ino == 0) {
                        ino = f.mknod(p.ino(), prefix + k, 0644, 0, 0, 0);
                    }
                    f.write(ino, 0, data, 0, data.length);
                    return null;
                });
            }
        }
    }

    @Test
    void oneWayPipeAndStreamFileBothBringTheSlaveUpToDate() throws IOException {
        fill(master, "f", 20, 30_000, 1);
        Path stream = tmp.resolve("stream.bin");
        CliResult read = ok(hammer.withTimeout(java.time.Duration.ofSeconds(60)).run("mirror-read", master));
        assertThat(read.stdout()).isNotEmpty();
        // The binary stream goes through a file, applied later by a separate process.
        Process p = new ProcessBuilder("bash", "-c", "'" + hammer.launcher() + "' mirror-read '" + master + "' > '"
                + stream + "' && '" + hammer.launcher() + "' mirror-write -y '" + slave + "' < '" + stream + "'")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(waitFor(p)).as(out).isZero();
        ok(hammer.run("mirror-verify", master, slave));
        fill(master, "g", 5, 10_000, 2);
        Process pipe = new ProcessBuilder("bash", "-c", "'" + hammer.launcher() + "' mirror-read '" + master + "' | '"
                + hammer.launcher() + "' mirror-write '" + slave + "'").redirectErrorStream(true).start();
        out = new String(pipe.getInputStream().readAllBytes());
        assertThat(waitFor(pipe)).as(out).isZero();
        ok(hammer.run("mirror-verify", master, slave));
        CliResult dump = ok(hammer.run(Files.readAllBytes(stream), "mirror-dump"));
        assertThat(dump.stdout()).contains("Record pfs=", "Sync   0x", "Term", "operating as a MASTER");
        CliResult header = ok(hammer.run(Files.readAllBytes(stream), "mirror-dump", "header"));
        assertThat(header.stdout()).contains("shared-uuid=").doesNotContain("Record");
    }

    @Test
    void mirrorCopyIsIncrementalAndVerifiable() {
        fill(master, "f", 30, 50_000, 3);
        CliResult first = ok(hammer.run("mirror-copy", "-y", master, slave));
        assertThat(first.stderr()).contains("succeeded");
        ok(hammer.run("mirror-verify", master, slave));
        fill(master, "f", 1, 1000, 4);
        CliResult second = ok(hammer.run("mirror-copy", master, slave));
        long bytes = Long.parseLong(second.stderr().replaceAll("(?s).* records, (\\d+) bytes.*", "$1"));
        assertThat(bytes).as("incremental bytes on the wire").isLessThan(20_000);
        ok(hammer.run("mirror-verify", master, slave));
        CliResult status = ok(hammer.run("pfs-status", slave));
        assertThat(status.stdout()).contains("operating as a SLAVE");
    }

    @Test
    void refusalsExitWith3AndNameBothSides() {
        fill(master, "f", 2, 100, 5);
        ok(hammer.run("pfs-slave", slave, "shared-uuid=00000000-0000-0000-0000-000000000001"));
        CliResult foreign = hammer.run("mirror-copy", master, slave);
        assertThat(foreign.exitCode()).isEqualTo(3);
        assertThat(foreign.stderr()).contains("different shared-uuids", master, slave);

        String other = tmp.resolve("b/pfs/master").toString();
        String uuid = ok(hammer.run("pfs-status", master)).stdout().replaceAll("(?s).*shared-uuid=([0-9a-f-]+).*", "$1");
        ok(hammer.run("pfs-master", other, "shared-uuid=" + uuid));
        CliResult toMaster = hammer.run("mirror-copy", master, other);
        assertThat(toMaster.exitCode()).isEqualTo(3);
        assertThat(toMaster.stderr()).contains("is a master", other, master);
    }

    @Test
    void divergedTargetIsRefusedWithTheTidAndTheRollbackCommand() {
        fill(master, "f", 2, 100, 6);
        ok(hammer.run("mirror-copy", "-y", master, slave));
        // Fail over: the slave becomes a master and writes; the old master also writes.
        ok(hammer.run("pfs-upgrade", slave));
        fill(slave, "new", 1, 100, 7);
        fill(master, "lost", 1, 100, 8);
        ok(hammer.run("pfs-downgrade", master));
        CliResult back = hammer.run("mirror-copy", slave, master);
        assertThat(back.exitCode()).isEqualTo(3);
        assertThat(back.stderr()).contains("diverged", "at TID 0x", "pfs-upgrade");
    }

    /**
     * A slave whose sync-end-tid was set past anything its master produced would otherwise be
     * "up to date" for ever (nothing between its sync point and the master's is left to send).
     */
    @Test
    void aSlaveAheadOfItsSourceIsRefusedByMirrorCopyAndMirrorStream() {
        fill(master, "f", 2, 100, 14);
        ok(hammer.run("mirror-copy", "-y", master, slave));
        String masterEnd = ok(hammer.run("synctid", master)).stdout().trim();
        String ahead = "0x0000000200000000";
        ok(hammer.run("pfs-update", slave, "sync-end-tid=" + ahead));

        CliResult copy = hammer.run("mirror-copy", master, slave);
        CliResult stream = hammer.withTimeout(java.time.Duration.ofSeconds(40))
                .run("mirror-stream", "-i", "0", "--retry", "1", master, slave);

        for (CliResult r : java.util.List.of(copy, stream)) {
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
            assertThat(r.stderr()).as(r.toString()).contains(ahead, masterEnd,
                    "hammer pfs-update " + slave + " sync-end-tid=" + masterEnd).doesNotContain("succeeded");
        }
        assertThat(ok(hammer.run("pfs-status", slave)).stdout()).as("the slave was left as it was")
                .contains("sync-end-tid=" + ahead);
        ok(hammer.run("pfs-update", slave, "sync-end-tid=" + masterEnd));
        ok(hammer.run("mirror-copy", master, slave));
        ok(hammer.run("mirror-verify", master, slave));
    }

    @Test
    void cleanRoleSwapMirrorsBack() {
        fill(master, "f", 3, 1000, 9);
        ok(hammer.run("mirror-copy", "-y", master, slave));
        ok(hammer.run("pfs-downgrade", master));
        ok(hammer.run("mirror-copy", master, slave));
        ok(hammer.run("pfs-upgrade", slave));
        fill(slave, "after-swap", 2, 1000, 10);
        ok(hammer.run("mirror-copy", slave, master));
        ok(hammer.run("mirror-verify", slave, master));
    }

    @Test
    void corruptOrNewerStreamsAreRejected() throws IOException {
        fill(master, "f", 5, 20_000, 11);
        byte[] stream = ok(hammer.run("mirror-read", master)).stdout().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = tmp.resolve("s.bin");
        Process p = new ProcessBuilder("bash", "-c", "'" + hammer.launcher() + "' mirror-read '" + master + "' > '"
                + file + "'").start();
        assertThat(waitFor(p)).isZero();
        byte[] good = Files.readAllBytes(file);
        assertThat(good.length).isGreaterThan(100_000);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        CliResult bad = hammer.run(flipped, "mirror-write", "-y", slave);
        assertThat(bad.exitCode()).isEqualTo(5);
        assertThat(bad.stderr()).contains("\nhammer: mirror-write " + slave + ": ", "CRC mismatch").doesNotContain("Exception");
        CliResult cut = hammer.run(java.util.Arrays.copyOf(good, good.length - 7), "mirror-write", slave);
        assertThat(cut.exitCode()).isEqualTo(5);
        assertThat(cut.stderr()).contains("truncated");
        CliResult newer = hammer.run(frame(1, Hello.newBuilder().setVersion(9).setMinVersion(9).build().toByteArray()),
                "mirror-write", "-y", slave);
        assertThat(newer.exitCode()).isEqualTo(3);
        assertThat(newer.stderr()).contains("newer");
        assertThat(stream).isNotEmpty();
    }

    @Test
    void mirrorCopyWhileAnotherProcessWritesEndsOnAConsistentTid() throws Exception {
        fill(master, "big", 24, 1 << 20, 12);
        Path src = tmp.resolve("src");
        Files.createDirectories(src);
        // Another process keeps changing the master: cpdup of a directory whose files change every
        // round, until the file stop appears. The loop looks for it before each round and waits for
        // each cpdup, so once it has exited nothing it started still commits (killing it would not
        // say so: a cpdup it started just before could outlive it).
        Path stop = tmp.resolve("stop");
        Process writer = new ProcessBuilder("bash", "-c", "for i in $(seq 1 400); do test -e '" + stop
                + "' && exit 0; echo $i > '" + src + "'/n$((i % 7)); date +%N > '" + src + "'/stamp; '"
                + hammer.launcher() + "' cpdup -q '" + src + "' '" + master + "'/live || exit 1; done")
                .redirectErrorStream(true).start();
        try {
            Thread.sleep(1500);
            ok(hammer.run("mirror-copy", "-y", "-S", "2m", master, slave));
            ok(hammer.run("mirror-verify", master, slave));
        } finally {
            Files.writeString(stop, "");
            assertThat(waitFor(writer)).as("the writer loop stops at its next round").isZero();
        }
        CliResult second = ok(hammer.run("mirror-copy", master, slave));
        assertThat(second.stderr()).contains("succeeded");
        ok(hammer.run("mirror-verify", master, slave));
        String endMaster = ok(hammer.run("synctid", master)).stdout().trim();
        String status = ok(hammer.run("pfs-status", slave)).stdout();
        assertThat(status).contains("sync-end-tid=" + endMaster);
    }

    @Test
    void timeLimitedBandwidthLimitedCopyStopsCleanlyAndTheNextRunResumes() {
        fill(master, "f", 16, 1 << 20, 13);
        CliResult limited = ok(hammer.run("mirror-copy", "-y", "-b", "1m", "-t", "2", "-S", "1m", master, slave));
        assertThat(limited.stderr()).contains("interrupted");
        String status = ok(hammer.run("pfs-status", slave)).stdout();
        assertThat(status.contains("resume-cursor=0x") || !status.contains("sync-end-tid=0x0000000000000001"))
                .as("the interrupted copy kept its progress: " + status).isTrue();
        CliResult rest = ok(hammer.run("mirror-copy", master, slave));
        assertThat(rest.stderr()).contains("succeeded");
        ok(hammer.run("mirror-verify", master, slave));
        assertThat(sent(rest)).isLessThan(16L << 20);
    }

    static long sent(CliResult r) {
        return Long.parseLong(r.stderr().replaceAll("(?s).* records, (\\d+) bytes.*", "$1"));
    }

    /** One frame as the stream lays it out: magic, type, flags, seq 0, length, CRC32C, payload. */
    static byte[] frame(int type, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + payload.length);
        b.putInt(0x484d5231).put((byte) type).put((byte) 0).putShort((short) 0).putInt(0).putInt(payload.length);
        CRC32C c = new CRC32C();
        c.update(b.array(), 4, 12);
        c.update(payload);
        b.putInt((int) c.getValue()).put(payload);
        return b.array();
    }

    static int waitFor(Process p) {
        try {
            if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return -1;
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Copies one stream into another on a thread, counting bytes; closes the output at the end. */
    static Thread pump(InputStream in, OutputStream out, AtomicLong count) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (in; out) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                    count.addAndGet(n);
                }
            } catch (IOException ignored) {
                // the other side died: that is what these tests do
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
