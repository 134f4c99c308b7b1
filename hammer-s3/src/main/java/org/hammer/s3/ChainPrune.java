package org.hammer.s3;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;

/**
 * Retention for a chain: keeps its newest {@code keep} restore points and drops the rest without
 * ever leaving an incremental without its base. Three steps, each leaving a restorable chain if
 * the run is killed after it: (1) when the oldest kept point is reached only through objects that
 * would go, a new base as of that point is made (the chain restored into a scratch store and sent
 * from there in full) and added to the manifest; (2) the manifest is rewritten to list only the
 * objects the kept points need; (3) the objects it no longer lists are deleted, with uploads left
 * by killed runs.
 */
final class ChainPrune {
    /** What a run did: the points kept, objects deleted, whether a base was made. */
    record Result(int points, int deleted, boolean consolidated) {
    }

    private ChainPrune() {
    }

    static Result run(Chain chain, int keep, MirrorOptions o) {
        if (keep < 1) {
            throw HammerException.usage("--keep " + keep + ": keep at least 1 restore point");
        }
        Manifest m = chain.manifest();
        if (m == null) {
            throw HammerException.notFound(chain.url + ": no chain there (nothing was mirrored to it)");
        }
        List<Long> points = m.points();
        List<Long> kept = points.subList(Math.max(0, points.size() - keep), points.size());
        boolean consolidated = false;
        if (!kept.isEmpty()) {
            long oldest = kept.get(0);
            List<Manifest.ChainObject> path = m.path(oldest);
            if (path == null) {
                throw HammerException.corrupt(chain.url + ": restore point " + Tid.format(oldest)
                        + " has no path from a base (a damaged manifest)");
            }
            if (path.size() > 1) {
                consolidate(chain, oldest, o);
                consolidated = true;
                m = chain.manifest();
            }
        }
        Set<Manifest.ChainObject> needed = new LinkedHashSet<>();
        for (long p : kept) {
            List<Manifest.ChainObject> path = m.path(p);
            if (path == null) {
                throw HammerException.corrupt(chain.url + ": restore point " + Tid.format(p) + " has no path from a base");
            }
            needed.addAll(path);
        }
        Manifest next = m.with(new ArrayList<>(needed), m.lineage());
        chain.write(next);
        int deleted = 0;
        Set<String> keys = new HashSet<>();
        needed.forEach(x -> keys.add(x.key()));
        long[] pending = chain.pending();
        String pendingKey = pending == null ? null : chain.objectKey(m.sharedUuid(), pending[0], pending[1]);
        for (Bucket.Entry e : chain.bucket.list(chain.key(Manifest.OBJECTS))) {
            if (!keys.contains(e.key()) && !e.key().equals(pendingKey)) {
                chain.bucket.delete(e.key());
                deleted++;
            }
        }
        for (String[] u : chain.bucket.uploadsUnder(chain.key(Manifest.OBJECTS))) {
            if (!u[0].equals(pendingKey)) {
                chain.bucket.abortUpload(u[0], u[1]);
            }
        }
        if (o.verbose() > 0 && !o.quiet()) {
            o.log().println("Mirror-prune " + chain.url + ": kept " + kept.size() + " restore points, "
                    + needed.size() + " objects; deleted " + deleted);
        }
        return new Result(kept.size(), deleted, consolidated);
    }

    /** Adds a base as of {@code point}: the chain restored into a scratch store, sent from there in full. */
    private static void consolidate(Chain chain, long point, MirrorOptions o) {
        S3Url at = new S3Url(chain.url.bucket(), chain.url.prefix(), point);
        MirrorOptions quiet = new MirrorOptions(false, true, o.zstdLevel(), 0, 0, o.batchBytes(), null, 0, true, o.log());
        try (Scratch s = new Scratch()) {
            Chain asOf = chain.at(at);
            ChainRestore.run(asOf, s.slave(), quiet, q -> true, false);
            try (PfsPath p = PfsPath.resolve(s.slave())) {
                ChainUpload.run(p, chain.url + "@@" + Tid.format(point), chain, quiet, true, false);
            }
        }
        if (o.verbose() > 0 && !o.quiet()) {
            o.log().println("Mirror-prune " + chain.url + ": new base as of " + Tid.format(point));
        }
    }
}
