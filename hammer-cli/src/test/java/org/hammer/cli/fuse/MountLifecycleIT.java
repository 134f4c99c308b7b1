package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hammer.cli.fuse.MountHarness.ok;
import static org.hammer.cli.fuse.MountHarness.sh;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.fs.Orphans;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.fixtures.CliResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The life of a mount: refusing a busy mount point, umount stopping the daemon, and a daemon
 * killed with SIGKILL in the middle of a write workload losing nothing fsynced, its stale mount
 * point cleared by the next {@code hammer mount}, and the files it kept open after their unlink
 * reclaimed by that mount.
 */
@Tag("fuse")
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountLifecycleIT {
    private MountHarness h;
    private Path store;
    private Path mnt;

    @BeforeEach
    void mountPfs0() throws IOException {
        assumeTrue(MountHarness.available(), "needs root, /dev/fuse and fusermount");
        h = new MountHarness();
        store = h.store("disk.hammer");
        mnt = h.mount(store.toString(), h.dir("mnt"));
    }

    @AfterEach
    void unmount() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void umountStopsTheDaemonAndAMountPointInUseIsRefused() throws IOException {
        CliResult again = h.hammer.run("mount", store.toString(), mnt.toString());
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(3);
        assertThat(again.stderr()).contains("already a mount point");
        Files.writeString(mnt.resolve("kept"), "after umount");

        long pid = h.daemonPid(mnt);
        CliResult r = h.umount(mnt);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stdout() + r.stderr()).isEmpty();
        assertThat(MountHarness.gone(pid)).isTrue();
        assertThat(Files.readString(h.runDir.resolve("mounts"))).doesNotContain(mnt.toString());
        assertThat(Files.exists(mnt.resolve("kept"))).isFalse();
        h.mount(store.toString(), mnt);
        assertThat(Files.readString(mnt.resolve("kept"))).isEqualTo("after umount");
    }

    private static long lines(Path log) throws java.io.IOException {
        return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    }

    @Test
    void aKilledDaemonLosesNothingFsyncedAndTheMountComesBack() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path dir = Files.createDirectories(mnt.resolve("r" + round));
            Path log = h.dir.resolve("fsynced-" + round);
            // Each file is fsynced before its name goes to the local log.
            ProcessHandle writer = ProcessHandle.of(new ProcessBuilder("bash", "-c",
                    "i=0; while :; do head -c $((i * 997 % 200000)) /dev/urandom > f$i && sync f$i && echo f$i >> '"
                            + log + "' || exit; i=$((i+1)); done")
                    .directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().pid()).orElseThrow();
            // Killed once a few files are fsynced (a loaded machine writes slowly), at a moment
            // that differs from round to round; bounded in time.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (lines(log) < 3 + round && System.nanoTime() < until) {
                MountHarness.sleep(50);
            }
            MountHarness.sleep(100 + round * 150);
            long pid = h.daemonPid(mnt);
            ok(h.dir, "kill -9 " + pid);
            writer.onExit().get(30, TimeUnit.SECONDS);
            while (!MountHarness.gone(pid)) {
                MountHarness.sleep(20);
            }
            // ENOTCONN; ECONNABORTED when the kernel aborted the connection (FUSE over io_uring),
            // after ECANCELED for a moment while it tears the rings down.
            String listing = sh(h.dir, "ls mnt").out();
            for (int i = 0; i < 20 && listing.contains("canceled"); i++) {
                MountHarness.sleep(50);
                listing = sh(h.dir, "ls mnt").out();
            }
            assertThat(listing).containsAnyOf("not connected", "connection abort");

            h.mount(store.toString(), mnt);
            for (String name : Files.readAllLines(log)) {
                int i = Integer.parseInt(name.substring(1));
                assertThat(Files.size(dir.resolve(name))).as(name).isEqualTo((long) i * 997 % 200000);
            }
            assertThat(Files.readAllLines(log)).hasSizeGreaterThan(2);
        }
    }

    /**
     * A daemon whose heap runs out ends as a killed one does, instead of leaving requests
     * unanswered: here an 8 MiB heap, filled by the kernel's nodes of tens of thousands of new
     * files. The creating process gets an error at once (ENOTCONN, or ECONNABORTED over
     * io_uring), the daemon's log says why, and the next mount serves what was fsynced and the
     * files made before the last commit.
     */
    @Test
    void aDaemonOutOfHeapEndsAndTheNextMountServesWhatWasFsynced() throws Exception {
        Path small = h.store("small.hammer");
        Path m = h.mount(h.hammer.withEnv("HAMMER_MOUNT_JAVA_OPTS", "-Xmx8m"), small.toString(), h.dir("small"));
        long pid = h.daemonPid(m);
        ok(m, "echo fsynced > keep && sync keep && mkdir a");
        // Bounded: at most 300,000 creates (~220 bytes of heap each) and 100 s.
        MountHarness.Sh made = sh(m, "timeout 100 python3 -c '\n"
                + "import os, sys\n"
                + "for i in range(300000):\n"
                + "    try:\n"
                + "        os.close(os.open(\"a/f%d\" % i, os.O_CREAT | os.O_WRONLY, 0o644))\n"
                + "    except OSError as e:\n"
                + "        print(i, e.strerror); sys.exit(3)\n"
                + "'");
        assertThat(made.code()).as(made.out()).isEqualTo(3);
        assertThat(made.out()).containsAnyOf("not connected", "connection abort");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!MountHarness.gone(pid) && System.nanoTime() < until) {
            MountHarness.sleep(50);
        }
        assertThat(MountHarness.gone(pid)).as("the daemon ended").isTrue();
        assertThat(h.log(m)).contains("OutOfMemoryError");

        h.mount(small.toString(), m);
        assertThat(Files.readString(m.resolve("keep"))).isEqualTo("fsynced\n");
        long before = Long.parseLong(made.out().strip().split(" ")[0]);
        try (var names = Files.list(m.resolve("a"))) {
            assertThat(names.count()).as("files made before the heap ran out: %d", before).isPositive()
                    .isLessThanOrEqualTo(before + 1);
        }
    }

    /**
     * An open file unlinked is an orphan in the store until its handle is closed; when the daemon
     * dies first (SIGKILL), the orphan outlives it, and the next mount of the store reclaims it.
     */
    @Test
    void anOrphanLeftByAKilledDaemonIsReclaimedByTheNextMount() throws Exception {
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        long obj = (Long) Files.getAttribute(Files.write(mnt.resolve("f"), data), "unix:ino");
        Process holder = new ProcessBuilder("/usr/bin/python3", "-c", "import os, time\n"
                + "fd = os.open('f', os.O_RDONLY)\n"
                + "os.unlink('f')\n"
                + "os.fsync(fd)\n" // commits the unlink: the orphan is durable
                + "print(os.fstat(fd).st_nlink, len(os.pread(fd, 400000, 0)), flush=True)\n"
                + "time.sleep(120)\n")
                .directory(mnt.toFile()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), UTF_8));
            String held = CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS);
            assertThat(held).as("the unlinked file, open").isEqualTo("0 300000");
            assertThat(orphans()).as("listed as an orphan").containsExactly(obj);
            assertThat(liveRecords(obj)).as("its records are live").isNotEmpty();

            long pid = h.daemonPid(mnt);
            ok(h.dir, "kill -9 " + pid);
            for (int i = 0; i < 500 && !MountHarness.gone(pid); i++) {
                MountHarness.sleep(20);
            }
            assertThat(MountHarness.gone(pid)).isTrue();
            assertThat(orphans()).as("the dead daemon's orphan is still listed").containsExactly(obj);
        } finally {
            holder.destroyForcibly();
            holder.waitFor(30, TimeUnit.SECONDS);
        }

        h.mount(store.toString(), mnt);
        assertThat(orphans()).as("the next mount reclaims it").isEmpty();
        assertThat(liveRecords(obj)).as("its records are deleted").isEmpty();
        assertThat(h.log(mnt)).contains("reclaimed 1 unlinked file(s) left by a mount that is gone");
        assertThat(ok(mnt, "ls -A")).isEmpty();
    }

    private static String readLine(BufferedReader r) {
        try {
            return r.readLine();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The object ids of the store's orphans, read through the core API beside the mount. */
    private List<Long> orphans() {
        try (Store s = Store.open(store)) {
            return s.read(r -> Orphans.list(r).stream().map(Orphans.Orphan::ino).toList());
        }
    }

    private List<RecordKey> liveRecords(long obj) {
        try (Store s = Store.open(store)) {
            return s.read(r -> MountIT.liveRecords(r, 0, obj));
        }
    }

    @Test
    void aFullStoreFailsWrittenBackDataWithEnospcAndKeepsWhatWasCommitted() throws IOException {
        Path small = h.dir.resolve("small.hammer");
        try (Store s = Store.create(small, "SMALL", 16L << 20)) {
            Pfses.format(s, "SMALL");
        }
        Path m = h.mount(small.toString(), h.dir("small"));
        Files.writeString(m.resolve("kept"), "committed before");
        ok(m, "sync kept");

        // Writes are acknowledged before they reach the store: the failure shows at close or fsync.
        // The file and its first MiB are synced first. A file written and closed right after,
        // never synced, is kept too: the write the store cannot hold fails alone, and what the
        // same transaction held before it is committed.
        String out = ok(m, "/usr/bin/python3 - <<'EOF'\n"
                + "import errno, hashlib, os\n"
                + "seen = []\n"
                + "fd = os.open('big', os.O_CREAT | os.O_WRONLY, 0o644)\n"
                + "first = os.urandom(1 << 20)\n"
                + "os.write(fd, first)\n"
                + "os.fsync(fd)\n"
                + "print('first', hashlib.sha256(first).hexdigest())\n"
                + "junk = os.urandom(1 << 20)\n"
                + "with open('acked', 'wb') as f:\n"
                + "    f.write(b'a' * 300000)\n"
                + "for i in range(63):\n"
                + "    try:\n"
                + "        os.write(fd, junk)\n"
                + "    except OSError as e:\n"
                + "        seen.append('write ' + errno.errorcode[e.errno]); break\n"
                + "for what, call in (('fsync', os.fsync), ('close', os.close)):\n"
                + "    try:\n"
                + "        call(fd)\n"
                + "    except OSError as e:\n"
                + "        seen.append(what + ' ' + errno.errorcode[e.errno])\n"
                + "made = 0\n"
                + "for i in range(20000):\n"
                + "    try:\n"
                + "        os.close(os.open('n%d' % i, os.O_CREAT | os.O_WRONLY, 0o644))\n"
                + "        made += 1\n"
                + "    except OSError as e:\n"
                + "        seen.append('create ' + errno.errorcode[e.errno]); break\n"
                + "print('made', made)\n"
                + "try:\n"
                + "    os.unlink('big')\n"
                + "except OSError as e:\n"
                + "    seen.append('unlink ' + errno.errorcode[e.errno])\n"
                + "print(seen)\n"
                + "EOF");
        assertThat(out).contains("ENOSPC");
        // Names made after the data filled the store use the room it keeps for them, until one
        // does not fit: that one fails alone, and every name made before it stays.
        assertThat(out).contains("'create ENOSPC'");
        // Removing a file marks its blocks deleted, which rewrites them (its history stays): on a
        // full store that fails, alone, and the file stays whole.
        assertThat(out).contains("'unlink ENOSPC'");
        int made = Integer.parseInt(out.lines().filter(l -> l.startsWith("made ")).findFirst().orElseThrow().substring(5));
        assertThat(made).as("names made on the full store").isPositive();
        assertThat(Files.readString(m.resolve("kept"))).isEqualTo("committed before");
        assertThat(h.umount(m).ok()).isTrue();

        Path back = h.mount(small.toString(), h.dir("small"));
        assertThat(Files.readString(back.resolve("kept"))).isEqualTo("committed before");
        assertThat(Files.readString(back.resolve("acked"))).as("closed, never synced").isEqualTo("a".repeat(300000));
        for (int i = 0; i < made; i++) {
            assertThat(back.resolve("n" + i)).as("a name made on the full store").exists();
        }
        Path big = back.resolve("big");
        assertThat(Files.size(big)).as("what was committed of it").isBetween(1L << 20, (16L << 20) - 1);
        byte[] head = new byte[1 << 20];
        try (var in = Files.newInputStream(big)) {
            assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
        }
        String want = out.lines().filter(l -> l.startsWith("first ")).findFirst().orElseThrow().substring(6);
        assertThat(HexFormat.of().formatHex(sha256(head))).as("the synced first MiB").isEqualTo(want);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(b);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void mountingAMissingPfsOrDirectoryFailsClearly() {
        CliResult r = h.hammer.run("mount", mnt.resolve("nope").toString(), h.dir("x").toString());
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(4);
        assertThat(r.stderr()).startsWith("hammer: mount ");
        CliResult r2 = h.hammer.run("mount", store.toString(), h.dir.resolve("no-dir").toString());
        assertThat(r2.exitCode()).as(r2.toString()).isEqualTo(4);
    }
}
