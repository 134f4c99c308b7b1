package org.hammer.s3;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.tid.Tid;

/**
 * What the CLI does with a bucket: upload a PFS into a chain (mirror-copy, mirror-stream), restore
 * a slave from it (mirror-copy), compare (mirror-verify), list (pfs-status) and prune
 * (mirror-prune). Loading this class is what loads the AWS SDK.
 */
public final class S3Mirror {
    private S3Mirror() {
    }

    /** mirror-copy PFS s3://...: sends what the chain lacks; {@code full} sends a new base. Returns a summary. */
    public static String upload(String src, String dst, Path keyFile, MirrorOptions o, boolean full) {
        return upload(src, dst, keyFile, o, full, null);
    }

    /**
     * As {@link #upload(String, String, Path, MirrorOptions, boolean)}; {@code baseEvery} (may be
     * null): a new base instead of an incremental once the chain's newest base is that old.
     */
    public static String upload(String src, String dst, Path keyFile, MirrorOptions o, boolean full,
            Duration baseEvery) {
        return upload(src, dst, keyFile, o, full, baseEvery, Clock.systemUTC());
    }

    static String upload(String src, String dst, Path keyFile, MirrorOptions o, boolean full, Duration baseEvery,
            Clock clock) {
        S3Url url = S3Url.parse(dst);
        if (url.asOf() != null) {
            throw HammerException.usage(dst + ": a chain is written at its end, not as of a TID");
        }
        try (PfsPath p = PfsPath.resolve(src); Chain opened = Chain.open(url, keyFile)) {
            if (!p.isPfsRoot() && p.pfs() == 0 && !p.exists()) {
                throw HammerException.notFound(src + ": no such PFS");
            }
            Chain chain = opened.withClock(clock);
            chain.manifest(); // a wrong key or another chain's format is refused before the lock is touched
            try (ChainLock lock = ChainLock.take(chain, "mirror-copy")) {
                ChainUpload.Result r = ChainUpload.run(p, src, chain, o, full, true, baseEvery);
                return (r.interrupted() ? "interrupted (resumable)" : "succeeded") + ": " + ChainUpload.describe(r);
            }
        }
    }

    /**
     * mirror-stream PFS s3://...: an upload each round, at most one per {@code delayMillis}, until
     * {@code stop} says so; a lost link is logged and retried after {@code retryMillis}.
     */
    public static int stream(String src, String dst, Path keyFile, MirrorOptions o, long delayMillis, long retryMillis,
            BooleanSupplier stop) {
        return stream(src, dst, keyFile, o, delayMillis, retryMillis, null, stop);
    }

    /** As above; {@code baseEvery} (may be null): a round sends a new base once the newest is that old. */
    public static int stream(String src, String dst, Path keyFile, MirrorOptions o, long delayMillis, long retryMillis,
            Duration baseEvery, BooleanSupplier stop) {
        int rounds = 0;
        while (!stop.getAsBoolean()) {
            try {
                String s = upload(src, dst, keyFile, o, false, baseEvery);
                rounds++;
                if (o.verbose() > 0 && !o.quiet()) {
                    o.log().println("Mirror-stream " + src + " to " + dst + ": " + s);
                }
                sleep(delayMillis, stop);
            } catch (HammerException e) {
                if (!(e instanceof Bucket.Unreachable) && e.kind() != HammerException.Kind.FAILURE) {
                    throw e;
                }
                if (!o.quiet()) {
                    o.log().println("Mirror-stream " + src + " to " + dst + ": " + e.getMessage() + "; retrying in "
                            + (retryMillis + delayMillis) / 1000.0 + " s");
                }
                sleep(retryMillis + delayMillis, stop);
            }
        }
        return rounds;
    }

    private static void sleep(long millis, BooleanSupplier stop) {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!stop.getAsBoolean() && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000L)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** mirror-copy s3://... SLAVE: restores or brings up to date a slave. Returns a summary. */
    public static String restore(String src, String slave, Path keyFile, MirrorOptions o, Predicate<String> confirm,
            boolean partial) {
        S3Url url = S3Url.parse(src);
        try (Chain chain = Chain.open(url, keyFile)) {
            ChainRestore.Result r = ChainRestore.run(chain, slave, o, confirm, partial);
            return "succeeded: " + r.objects() + " objects applied, " + r.streamBytes() + " stream bytes, slave at "
                    + Tid.format(r.syncedTid());
        }
    }

    /** pfs-status s3://...: the chain's listing. */
    public static void status(String arg, Path keyFile, PrintWriter out) {
        try (Chain chain = Chain.open(S3Url.parse(arg), keyFile)) {
            ChainStatus.print(chain, out);
        }
    }

    /** mirror-prune s3://... --keep N. Returns a summary. */
    public static String prune(String arg, Path keyFile, int keep, MirrorOptions o) {
        return prune(arg, keyFile, keep, o, Clock.systemUTC());
    }

    static String prune(String arg, Path keyFile, int keep, MirrorOptions o, Clock clock) {
        try (Chain opened = Chain.open(S3Url.parse(arg).latest(), keyFile)) {
            Chain chain = opened.withClock(clock);
            chain.manifest(); // a wrong key is refused before the lock is touched
            ChainPrune.Result r;
            try (ChainLock lock = ChainLock.take(chain, "mirror-prune")) {
                r = ChainPrune.run(chain, keep, o);
            }
            return r.points() + " restore points kept, " + r.deleted() + " objects deleted"
                    + (r.consolidated() ? ", a new base written" : "");
        }
    }

    /**
     * mirror-verify PFS s3://...: restores the chain (as of its end or the point given) into a
     * scratch store and compares it with the PFS as of the same TID; returns the number of paths
     * that differ, having printed them.
     */
    public static int verify(String pfs, String arg, Path keyFile, PrintWriter out, int shown) {
        S3Url url = S3Url.parse(arg);
        try (Chain chain = Chain.open(url, keyFile); Scratch s = new Scratch(); PfsPath src = PfsPath.resolve(pfs)) {
            MirrorOptions quiet = new MirrorOptions(false, true, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, 0, true,
                    System.err);
            ChainRestore.Result r = ChainRestore.run(chain, s.slave(), quiet, q -> true, false);
            long at = r.syncedTid();
            long srcEnd = src.store().read(rd -> PfsTable.syncEndTid(rd, PfsTable.get(rd, src.pfs())));
            if (Long.compareUnsigned(srcEnd, at) < 0) {
                throw HammerException.refused(pfs + ": at " + Tid.format(srcEnd) + ", behind " + arg + " at "
                        + Tid.format(at));
            }
            Map<String, String> want = src.store().read(rd -> TreeDigest.of(new FsReader(rd, src.pfs(), at)));
            Map<String, String> got;
            try (PfsPath d = PfsPath.resolve(s.slave())) {
                PfsConfig dc = d.config();
                got = d.store().read(rd -> TreeDigest.of(new FsReader(rd, dc.id(), at)));
            }
            TreeDigest.Comparison c = TreeDigest.compare(want, got, shown, out, pfs, arg);
            if (c.differ() > 0) {
                throw HammerException.failure(arg + ": " + c.differ() + " of " + c.paths() + " paths differ from " + pfs
                        + " as of " + Tid.format(at));
            }
            out.println(arg + " equals " + pfs + " as of " + Tid.format(at) + ": " + c.paths() + " paths");
            return c.differ();
        }
    }
}
