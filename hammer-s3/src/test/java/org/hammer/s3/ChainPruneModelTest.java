package org.hammer.s3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of changes, uploads (incremental, a new base, or a base because the newest is
 * older than {@code --base-every}, on a clock of the test's) and prunes against a real S3 server;
 * after every step, every restore point the manifest lists restores to the master as of that TID,
 * and every object the manifest lists is in the bucket. Seeded (s3.seed), seed printed.
 */
class ChainPruneModelTest {
    @TempDir
    Path tmp;

    @Test
    void everyRestorePointRestoresToTheMasterAfterEveryUploadAndPrune() {
        long seed = Long.getLong("s3.seed", System.nanoTime());
        System.out.println("ChainPruneModelTest seed=" + seed);
        Random rnd = new Random(seed);
        MirrorOptions quiet = new MirrorOptions(true, true, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, 0, true,
                new PrintStream(PrintStream.nullOutputStream()));
        try (S3Server server = S3Server.start(tmp.resolve("s3"), "bucket");
                Store a = Store.create(tmp.resolve("a"), "A", 1L << 32)) {
            S3TestEnv.point(server);
            Pfses.format(a, "A");
            PfsConfig m = Pfses.create(a, FsReader.ROOT, "m", PfsMode.MASTER, null);
            String url = "s3://bucket/model";
            int restores = 0;
            int prunes = 0;
            // a base every M days (--base-every), the clock moving 0 to 2 days a step
            Duration every = Duration.ofDays(1 + rnd.nextInt(3));
            Instant now = Instant.parse("2026-01-01T00:00:00Z");
            int dueBases = 0;
            for (int step = 0; step < 14; step++) {
                change(a, m.id(), rnd);
                now = now.plusSeconds(rnd.nextInt(2 * 86_400));
                Clock clock = Clock.fixed(now, ZoneOffset.UTC);
                Instant newestBase = newestBase(url);
                boolean due = newestBase != null && !newestBase.plus(every).isAfter(now);
                boolean full = rnd.nextInt(6) == 0;
                String r = S3Mirror.upload(tmp.resolve("a/m").toString(), url, null, quiet, full, every, clock);
                assertThat(r.contains("(1 base)")).as("step %d: %s (newest base %s, now %s, every %s)", step, r,
                        newestBase, now, every).isEqualTo(full || due || newestBase == null);
                dueBases += due && !full ? 1 : 0;
                if (rnd.nextInt(10) >= 6 && step >= 2) {
                    S3Mirror.prune(url, null, 1 + rnd.nextInt(3), quiet, clock);
                    prunes++;
                }
                restores += checkEveryPoint(a, m.id(), url, step);
            }
            System.out.println("ChainPruneModelTest: " + prunes + " prunes, " + dueBases + " bases by --base-every "
                    + every.toDays());
            assertThat(prunes).isPositive();
            assertThat(restores).isGreaterThan(14);
        }
    }

    /** When the chain's newest base was made, or null for no chain. */
    private static Instant newestBase(String url) {
        try (Chain c = Chain.open(S3Url.parse(url), null)) {
            Manifest man = c.manifest();
            return man == null ? null : man.objects().stream().filter(Manifest.ChainObject::base)
                    .map(Manifest.ChainObject::created).max(Instant::compareTo).orElse(Instant.MIN);
        }
    }

    /** Restores each point of the chain into a new store and compares it with the master. */
    private int checkEveryPoint(Store a, int pfs, String url, int step) {
        Manifest man;
        try (Chain c = Chain.open(S3Url.parse(url), null)) {
            man = c.manifest();
            for (Manifest.ChainObject o : man.objects()) {
                assertThat(c.bucket.size(o.key())).as("step %d: %s present", step, o.key()).isEqualTo(o.size());
            }
        }
        List<Long> points = man.points();
        int n = 0;
        Map<Long, Map<String, String>> want = new HashMap<>();
        for (long p : points) {
            want.put(p, a.read(r -> TreeDigest.of(new FsReader(r, pfs, p))));
        }
        for (long p : points) {
            Path dir = tmp.resolve("r" + step + "-" + n);
            try (Store s = Store.create(dir, "R", 1L << 30)) {
                Pfses.format(s, "R");
            }
            String slave = dir.resolve("s").toString();
            S3Mirror.restore(url + "@@" + String.format("0x%016x", p), slave, null,
                    new MirrorOptions(false, true, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, 0, true,
                            new PrintStream(PrintStream.nullOutputStream())), q -> true, false);
            try (PfsPath sp = PfsPath.resolve(slave)) {
                PfsConfig c = sp.config();
                assertThat(c.syncEndTid()).isEqualTo(p);
                Map<String, String> got = sp.store().read(r -> TreeDigest.of(new FsReader(r, c.id(), p)));
                assertThat(got).as("step %d, point %x", step, p).isEqualTo(want.get(p));
            }
            n++;
        }
        return n;
    }

    private static void change(Store a, int pfs, Random rnd) {
        a.write(w -> {
            FsWriter f = Pfses.writer(w, pfs);
            for (int i = 0; i < 1 + rnd.nextInt(3); i++) {
                String name = "f" + rnd.nextInt(8);
                long ino = f.find(FsReader.ROOT, name);
                if (ino != 0 && rnd.nextInt(4) == 0) {
                    f.unlink(FsReader.ROOT, name);
                    continue;
                }
                if (ino == 0) {
                    ino = f.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
                }
                byte[] d = new byte[rnd.nextInt(30_000)];
                rnd.nextBytes(d);
                f.write(ino, rnd.nextInt(20_000), d, 0, d.length);
            }
            return null;
        });
        long end = a.read(r -> PfsTable.syncEndTid(r, PfsTable.get(r, pfs)));
        assertThat(end).isPositive();
    }
}
