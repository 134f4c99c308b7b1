package org.hammer.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.fixtures.S3Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chains in a real S3 server (s3proxy on 127.0.0.1, files under a temporary directory), driven
 * through the facade in this JVM. The AWS SDK reads its settings from system properties here
 * (the environment of a test JVM cannot be changed); the CLI's end-to-end tests use AWS_*.
 */
class ChainTest {
    @TempDir
    Path tmp;

    S3Server server;
    Store a;
    Store b;
    PfsConfig master;
    final MirrorOptions quiet = new MirrorOptions(true, true, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, 0, true,
            new PrintStream(PrintStream.nullOutputStream()));

    @BeforeEach
    void start() {
        server = S3Server.start(tmp.resolve("s3"), "bucket");
        S3TestEnv.point(server);
        a = Store.create(tmp.resolve("a"), "A", 1L << 32);
        Pfses.format(a, "A");
        b = Store.create(tmp.resolve("b"), "B", 1L << 32);
        Pfses.format(b, "B");
        master = Pfses.create(a, FsReader.ROOT, "m", PfsMode.MASTER, null);
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        server.close();
    }

    String masterPath() {
        return tmp.resolve("a/m").toString();
    }

    void write(String name, byte[] data) {
        a.write(w -> {
            FsWriter f = Pfses.writer(w, master.id());
            long ino = f.find(FsReader.ROOT, name);
            if (ino == 0) {
                ino = f.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
            }
            f.write(ino, 0, data, 0, data.length);
            return null;
        });
    }

    void remove(String name) {
        a.write(w -> {
            Pfses.writer(w, master.id()).unlink(FsReader.ROOT, name);
            return null;
        });
    }

    long masterEnd() {
        return a.read(r -> PfsTable.syncEndTid(r, PfsTable.get(r, master.id())));
    }

    Map<String, String> masterAt(long tid) {
        return a.read(r -> TreeDigest.of(new FsReader(r, master.id(), tid)));
    }

    Map<String, String> slave(String path) {
        try (PfsPath p = PfsPath.resolve(path)) {
            PfsConfig c = p.config();
            return p.store().read(r -> TreeDigest.of(new FsReader(r, c.id(), c.syncEndTid())));
        }
    }

    long slaveEnd(String path) {
        try (PfsPath p = PfsPath.resolve(path)) {
            return p.config().syncEndTid();
        }
    }

    String upload(String url, Path key) {
        return S3Mirror.upload(masterPath(), url, key, quiet, false);
    }

    String restore(String url, String slave, Path key) {
        return S3Mirror.restore(url, slave, key, quiet, q -> true, false);
    }

    @Test
    void fullAndIncrementalsRestoreToTheMasterAtEveryPoint() {
        List<Long> points = new ArrayList<>();
        Random rnd = new Random(1);
        for (int round = 0; round < 4; round++) {
            for (int i = 0; i < 5; i++) {
                byte[] d = new byte[rnd.nextInt(50_000)];
                rnd.nextBytes(d);
                write("f" + rnd.nextInt(12), d);
            }
            if (round == 2) {
                remove("f" + 3);
            }
            assertThat(upload("s3://bucket/pc/m", null)).startsWith("succeeded: 1 objects");
            points.add(masterEnd());
        }
        assertThat(upload("s3://bucket/pc/m", null)).contains("0 objects");
        String slave = tmp.resolve("b/s").toString();
        restore("s3://bucket/pc/m", slave, null);
        assertThat(slaveEnd(slave)).isEqualTo(points.get(3));
        assertThat(slave(slave)).isEqualTo(masterAt(points.get(3))).isNotEmpty();
        String old = tmp.resolve("b/old").toString();
        restore("s3://bucket/pc/m@@" + String.format("0x%016x", points.get(1)), old, null);
        assertThat(slave(old)).isEqualTo(masterAt(points.get(1))).isNotEqualTo(masterAt(points.get(3)));
        // an existing slave is brought up to date with what it lacks
        write("late", "late".getBytes(StandardCharsets.UTF_8));
        upload("s3://bucket/pc/m", null);
        assertThat(restore("s3://bucket/pc/m", old, null)).contains("3 objects applied");
        assertThat(slave(old)).isEqualTo(masterAt(masterEnd()));
        StringWriter listing = new StringWriter();
        S3Mirror.status("s3://bucket/pc/m", null, new PrintWriter(listing));
        assertThat(listing.toString()).contains("base 0x0000000000000001..", "incr ", "objects=5",
                "shared-uuid=" + master.sharedUuid());
        StringWriter v = new StringWriter();
        assertThat(S3Mirror.verify(masterPath(), "s3://bucket/pc/m", null, new PrintWriter(v), 5)).isZero();
        assertThat(v.toString()).contains("equals");
    }

    @Test
    void aRestoreReadsEachObjectFromTheBucketOnceAndLeavesNoSpool() throws Exception {
        Random rnd = new Random(5);
        for (int i = 0; i < 3; i++) {
            byte[] d = new byte[200_000];
            rnd.nextBytes(d);
            write("f" + i, d);
            upload("s3://bucket/once", null);
        }
        List<String> keys;
        try (Chain c = Chain.open(S3Url.parse("s3://bucket/once"), null)) {
            keys = c.manifest().objects().stream().map(Manifest.ChainObject::key).toList();
        }
        assertThat(keys).hasSize(3);
        Path spool = tmp.resolve("spool");
        Files.createDirectories(spool);
        String before = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", spool.toString());
        try {
            server.resetGets();
            String slave = tmp.resolve("b/s").toString();
            assertThat(restore("s3://bucket/once", slave, null)).contains("3 objects applied");
            for (String k : keys) {
                assertThat(server.gets(k)).as("GETs of %s: %s", k, server.gets()).isEqualTo(1);
            }
            assertThat(slave(slave)).isEqualTo(masterAt(masterEnd()));
            try (var left = Files.list(spool)) {
                assertThat(left.toList()).as("spool removed").isEmpty();
            }
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @Test
    void baseEveryThreeDaysSendsABaseOnceTheNewestIsThatOldAndPruneThenNeedsNoNewBase() {
        Instant t0 = Instant.parse("2026-03-01T10:00:00Z");
        Duration every = Duration.ofDays(3);
        List<String> kinds = new ArrayList<>();
        List<Long> points = new ArrayList<>();
        double[] days = {0, 1, 2, 2.99, 3, 4, 5.5, 6, 6.5};
        for (int i = 0; i < days.length; i++) {
            write("f" + (i % 4), ("version " + i).getBytes(StandardCharsets.UTF_8));
            Clock at = Clock.fixed(t0.plusSeconds((long) (days[i] * 86_400)), ZoneOffset.UTC);
            String r = S3Mirror.upload(masterPath(), "s3://bucket/every", null, quiet, false, every, at);
            assertThat(r).startsWith("succeeded: 1 objects");
            kinds.add(r.contains("(1 base)") ? "base" : "incr");
            points.add(masterEnd());
        }
        // bases at day 0, then the first upload 3 days or more after the newest base: 3 and 6
        assertThat(kinds).containsExactly("base", "incr", "incr", "incr", "base", "incr", "incr", "base", "incr");
        Manifest m;
        try (Chain c = Chain.open(S3Url.parse("s3://bucket/every"), null)) {
            m = c.manifest();
        }
        assertThat(m.objects().stream().filter(Manifest.ChainObject::base).map(Manifest.ChainObject::created))
                .containsExactly(t0, t0.plusSeconds(3 * 86_400), t0.plusSeconds(6 * 86_400));
        for (int i : new int[] {1, 4, 8}) {
            String slave = tmp.resolve("b/p" + i).toString();
            restore("s3://bucket/every@@" + String.format("0x%016x", points.get(i)), slave, null);
            assertThat(slave(slave)).isEqualTo(masterAt(points.get(i)));
        }
        // the newest base is a kept point: prune drops what is older without making a base itself
        assertThat(S3Mirror.prune("s3://bucket/every", null, 2, quiet)).contains("2 restore points kept")
                .doesNotContain("new base");
        String last = tmp.resolve("b/last").toString();
        restore("s3://bucket/every", last, null);
        assertThat(slave(last)).isEqualTo(masterAt(points.get(8)));
    }

    @Test
    void anUploadAndAPruneNeverWriteTheChainAtOnceAndALockLeftByAGoneRunIsTakenOver() throws Exception {
        write("x", new byte[1000]);
        upload("s3://bucket/lk", null);
        String url = "s3://bucket/lk";
        long me = ProcessHandle.current().pid();
        try (Chain c = Chain.open(S3Url.parse(url), null); ChainLock held = ChainLock.take(c, "mirror-prune")) {
            write("y", new byte[2000]);
            assertThatThrownBy(() -> upload(url, null)).hasMessageContaining("mirror-prune (pid " + me)
                    .hasMessageContaining("is writing to the chain")
                    .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
            assertThatThrownBy(() -> S3Mirror.prune(url, null, 1, quiet)).hasMessageContaining("mirror-prune (pid " + me)
                    .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
        }
        assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
        try (Chain c = Chain.open(S3Url.parse(url), null)) {
            String key = c.key(ChainLock.KEY);
            assertThat(c.bucket.get(key)).as("released").isNull();
            // a run of this host that is gone (killed)
            Process p = new ProcessBuilder("true").start();
            assertThat(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            lock(c, ChainLock.host(), p.pid(), System.currentTimeMillis());
            write("z", new byte[3000]);
            assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
            // this process's own, which no open lock holds: a release that did not reach the bucket
            // (the server was away), before the next session of a mirror-stream
            try (ChainLock earlier = ChainLock.take(c, "mirror-copy")) {
                c.bucket.put(key + ".kept", c.bucket.get(key));
            }
            c.bucket.put(key, c.bucket.get(key + ".kept"));
            c.bucket.delete(key + ".kept");
            write("t", new byte[3200]);
            assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
            // a pid of this host that is alive but another process than the lock's (pids are reused)
            lock(c, ChainLock.host(), me, System.currentTimeMillis(), ChainLock.startedMillis(ProcessHandle.current())
                    - 60_000);
            write("u", new byte[3500]);
            assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
            // a run of another host not heard of for longer than STALE
            lock(c, "elsewhere", 1, System.currentTimeMillis() - ChainLock.STALE.toMillis() - 1000);
            write("w", new byte[4000]);
            assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
            // a run of another host that refreshed its lock a moment ago
            lock(c, "elsewhere", 1, System.currentTimeMillis());
            write("v", new byte[5000]);
            assertThatThrownBy(() -> upload(url, null)).hasMessageContaining("mirror-copy (pid 1 on elsewhere")
                    .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
            assertThat(c.bucket.get(key)).as("another's lock is left alone").isNotNull();
            c.bucket.delete(key); // what the message says to do when no such run is alive
        }
        assertThat(upload(url, null)).startsWith("succeeded: 1 objects");
        String slave = tmp.resolve("b/s").toString();
        restore(url, slave, null);
        assertThat(slave(slave)).isEqualTo(masterAt(masterEnd()));
    }

    private static void lock(Chain c, String host, long pid, long millis) {
        lock(c, host, pid, millis, ProcessHandle.of(pid).map(ChainLock::startedMillis).orElse(0L));
    }

    private static void lock(Chain c, String host, long pid, long millis, long started) {
        c.bucket.put(c.key(ChainLock.KEY), ("hammer-lock 1 t0 " + host + " " + pid + " " + started + " mirror-copy "
                + millis + "\n").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void notARestorePointIsNotFound() {
        write("x", new byte[10]);
        upload("s3://bucket/p", null);
        assertThatThrownBy(() -> restore("s3://bucket/p@@0x0000000100000000", tmp.resolve("b/s").toString(), null))
                .isInstanceOf(HammerException.class).hasMessageContaining("not a restore point")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.NOT_FOUND);
    }

    @Test
    void anotherMastersChainIsRefused() {
        write("x", new byte[10]);
        upload("s3://bucket/p", null);
        PfsConfig other = Pfses.create(a, FsReader.ROOT, "other", PfsMode.MASTER, null);
        a.write(w -> {
            Pfses.writer(w, other.id()).mknod(FsReader.ROOT, "y", 0644, 0, 0, 0);
            return null;
        });
        assertThatThrownBy(() -> S3Mirror.upload(tmp.resolve("a/other").toString(), "s3://bucket/p", null, quiet, false))
                .isInstanceOf(HammerException.class).hasMessageContaining("different shared-uuids")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
    }

    @Test
    void missingBucketIsNotFound() {
        write("x", new byte[10]);
        assertThatThrownBy(() -> upload("s3://no-such-bucket/p", null)).isInstanceOf(HammerException.class)
                .hasMessageContaining("does not exist")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.NOT_FOUND);
    }

    @Test
    void encryptedChainShowsNoContentNamesOrUuids() throws Exception {
        Path key = tmp.resolve("key");
        byte[] k = new byte[32];
        new Random(7).nextBytes(k);
        Files.write(key, k);
        String secret = "SECRET-CONTENT-MARKER-".repeat(200);
        write("secret-file-name", secret.getBytes(StandardCharsets.UTF_8));
        upload("s3://bucket/enc", key);
        write("second", secret.getBytes(StandardCharsets.UTF_8));
        upload("s3://bucket/enc", key);
        List<Path> files = server.files("bucket");
        assertThat(files).isNotEmpty();
        for (Path f : files) {
            String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("SECRET-CONTENT", "secret-file-name", master.sharedUuid().toString());
            assertThat(f.toString()).doesNotContain(master.sharedUuid().toString(), "base", "incr");
        }
        String slave = tmp.resolve("b/s").toString();
        restore("s3://bucket/enc", slave, key);
        assertThat(slave(slave)).isEqualTo(masterAt(masterEnd()));

        Path wrong = tmp.resolve("wrong");
        Files.writeString(wrong, "00".repeat(32));
        assertThatThrownBy(() -> restore("s3://bucket/enc", tmp.resolve("b/t").toString(), wrong))
                .hasMessageContaining("wrong key")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
        assertThatThrownBy(() -> restore("s3://bucket/enc", tmp.resolve("b/t").toString(), null))
                .hasMessageContaining("encrypted")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
    }

    @Test
    void tamperedEncryptedObjectIsCorrupt() throws Exception {
        Path key = tmp.resolve("key");
        Files.writeString(key, "ab".repeat(32) + "\n");
        write("x", new byte[100_000]);
        upload("s3://bucket/enc", key);
        Manifest m;
        try (Chain c = Chain.open(S3Url.parse("s3://bucket/enc"), key)) {
            m = c.manifest();
            // the same length, one byte changed, and the manifest's checksum made to match it:
            // only the cipher's authentication can tell
            Manifest.ChainObject o = m.objects().get(0);
            byte[] stored = c.bucket.get(o.key());
            stored[stored.length / 2] ^= 1;
            c.bucket.put(o.key(), stored);
            java.security.MessageDigest sha = Chain.sha256();
            Manifest.ChainObject forged = new Manifest.ChainObject(o.beg(), o.end(), o.key(), o.size(),
                    java.util.HexFormat.of().formatHex(sha.digest(stored)), o.streamBytes(), o.created());
            c.write(m.with(List.of(forged), m.lineage()));
        }
        assertThatThrownBy(() -> restore("s3://bucket/enc", tmp.resolve("b/s").toString(), key))
                .hasMessageContaining("authentication failed")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT);
        assertThat(PfsPath.resolve(tmp.resolve("b").toString()).exists()).isTrue();
    }

    @Test
    void missingObjectInTheMiddleStopsTheRestoreBeforeAnythingIsApplied() {
        for (int i = 0; i < 3; i++) {
            write("f" + i, new byte[1000 + i]);
            upload("s3://bucket/p", null);
        }
        String gone;
        try (Chain c = Chain.open(S3Url.parse("s3://bucket/p"), null)) {
            gone = c.manifest().objects().get(1).key();
            c.bucket.delete(gone);
        }
        String slave = tmp.resolve("b/s").toString();
        assertThatThrownBy(() -> restore("s3://bucket/p", slave, null)).hasMessageContaining(gone)
                .hasMessageContaining("missing")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.CORRUPT);
        try (PfsPath p = PfsPath.resolve(slave)) {
            assertThat(p.exists()).isFalse();
        }
    }

    @Test
    void aRestartedServerMidUploadLeavesPartsThatTheNextRunDoesNotSendAgain() throws Exception {
        Random rnd = new Random(3);
        for (int i = 0; i < 6; i++) {
            byte[] d = new byte[4 << 20];
            rnd.nextBytes(d);
            write("big" + i, d);
        }
        S3Url url = S3Url.parse("s3://bucket/resume");
        Thread stopper = new Thread(() -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            try (Bucket bk = Bucket.open(url)) {
                while (System.nanoTime() < deadline) {
                    for (String[] u : bk.uploadsUnder("resume/")) {
                        if (bk.parts(u[0], u[1]).size() >= 1) {
                            server.stop();
                            return;
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        assertThatThrownBy(() -> upload("s3://bucket/resume", null)).isInstanceOf(HammerException.class);
        stopper.join();
        server.restart();
        S3TestEnv.point(server);
        ChainUpload.Result r;
        try (PfsPath p = PfsPath.resolve(masterPath()); Chain c = Chain.open(url, null)) {
            r = ChainUpload.run(p, masterPath(), c, quiet, false, true);
        }
        assertThat(r.objects()).isEqualTo(1);
        assertThat(r.reusedBytes()).isGreaterThanOrEqualTo(PartUploader.PART);
        String slave = tmp.resolve("b/s").toString();
        restore("s3://bucket/resume", slave, null);
        assertThat(slave(slave)).isEqualTo(masterAt(masterEnd()));
    }
}
