package org.hammer.s3;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.MirrorCopy;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.MirrorStats;
import org.hammer.core.mirror.StreamRecorder;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;

/**
 * mirror-copy from a PFS into a chain: a two-way session between the PFS's mirror source and a
 * {@link StreamRecorder} standing in for the slave, so the usual refusals apply (another master's
 * chain, a diverged lineage, a chain beyond the source). An object whose upload was interrupted is
 * finished first, with the same TID range (the source capped at its end), reusing the parts the
 * bucket holds; then the rest is sent as a new object.
 */
final class ChainUpload {
    /** What a run did: objects written, bytes of stream and stored, bytes not sent again, the chain's end. */
    record Result(int objects, int bases, long streamBytes, long storedBytes, long reusedBytes, long end,
            boolean interrupted) {
    }

    private ChainUpload() {
    }

    static Result run(PfsPath source, String sourceName, Chain chain, MirrorOptions o, boolean full, boolean note) {
        return run(source, sourceName, chain, o, full, note, null);
    }

    /**
     * As {@link #run(PfsPath, String, Chain, MirrorOptions, boolean, boolean)}; with {@code baseEvery},
     * a new base instead of an incremental when the chain's newest base was made that long ago or
     * longer (by the dates in the manifest and the chain's clock).
     */
    static Result run(PfsPath source, String sourceName, Chain chain, MirrorOptions o, boolean full, boolean note,
            Duration baseEvery) {
        int objects = 0;
        int bases = 0;
        long streamBytes = 0;
        long storedBytes = 0;
        long reused = 0;
        boolean newBase = full || baseDue(chain, baseEvery, o);
        for (int session = 0; session < 4; session++) {
            Manifest m = chain.manifest();
            ChainSink sink = new ChainSink(chain, m, newBase, o.zstdLevel() > 0 ? o.zstdLevel() : 3, note);
            long[] pending = note ? chain.pending() : null;
            long cap = 0;
            if (pending != null && pending[0] == sink.start()) {
                cap = pending[1];
            } else if (pending != null) {
                dropStale(chain, m, pending);
            }
            MirrorSource src = new MirrorSource(source.store(), source.pfs(), sourceName, o.withTwoWay(true)).upTo(cap);
            MirrorStats s;
            try {
                s = MirrorCopy.run(src::run, new StreamRecorder(sink, chain.url.toString(), o.withTwoWay(true)));
            } catch (PartUploader.Mismatch e) {
                if (!o.quiet()) {
                    o.log().println("Mirror-copy " + chain.url + ": " + e.getMessage() + "; uploading it again");
                }
                sink.discard();
                continue;
            }
            reused += sink.reusedBytes();
            Manifest.ChainObject w = sink.written();
            if (w != null) {
                objects++;
                bases += w.base() ? 1 : 0;
                streamBytes += w.streamBytes();
                storedBytes += w.size();
                newBase = false;
                if (o.verbose() > 0 && !o.quiet()) {
                    o.log().printf("Mirror-copy %s: %s %s, %d stream bytes, %d stored%n", chain.url, w.describe(),
                            w.key(), w.streamBytes(), w.size());
                }
            }
            if (s.interrupted() || cap == 0 || w == null) {
                Manifest now = chain.manifest();
                return new Result(objects, bases, streamBytes, storedBytes, reused, now == null ? 0 : now.end(),
                        s.interrupted());
            }
        }
        throw HammerException.failure(chain.url + ": the upload did not settle after several attempts");
    }

    /** Whether the chain's newest base is {@code baseEvery} old or older (false for an empty chain). */
    static boolean baseDue(Chain chain, Duration baseEvery, MirrorOptions o) {
        if (baseEvery == null) {
            return false;
        }
        Manifest m = chain.manifest();
        if (m == null || m.objects().isEmpty()) {
            return false;
        }
        Instant newest = m.objects().stream().filter(Manifest.ChainObject::base).map(Manifest.ChainObject::created)
                .max(Instant::compareTo).orElse(Instant.MIN);
        Instant now = chain.clock.instant();
        if (newest.plus(baseEvery).isAfter(now)) {
            return false;
        }
        if (o.verbose() > 0 && !o.quiet()) {
            o.log().println("Mirror-copy " + chain.url + ": the newest base is "
                    + (newest == Instant.MIN ? "gone" : "from " + newest.truncatedTo(ChronoUnit.SECONDS))
                    + ", --base-every " + baseEvery.toDays() + " days: sending a new base");
        }
        return true;
    }

    /** A note (and upload) for an object this run will not finish: the chain moved on since. */
    private static void dropStale(Chain chain, Manifest m, long[] pending) {
        if (m != null) {
            String key = chain.objectKey(m.sharedUuid(), pending[0], pending[1]);
            for (String id : chain.bucket.uploads(key)) {
                chain.bucket.abortUpload(key, id);
            }
        }
        chain.clearPending();
    }

    static String describe(Result r) {
        return r.objects() + " objects" + (r.bases() > 0 ? " (" + r.bases() + " base)" : "") + ", " + r.streamBytes() + " stream bytes, " + r.storedBytes() + " stored"
                + (r.reusedBytes() > 0 ? ", " + r.reusedBytes() + " already uploaded" : "")
                + ", chain at " + (r.end() == 0 ? "nothing" : Tid.format(r.end()));
    }
}
