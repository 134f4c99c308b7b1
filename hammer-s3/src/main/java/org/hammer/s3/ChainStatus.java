package org.hammer.s3;

import java.io.PrintWriter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Set;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.tid.Tid;

/** The listing of a chain, in the shape of pfs-status: its uuid, label, end, objects, and any upload in progress. */
final class ChainStatus {
    private ChainStatus() {
    }

    static void print(Chain chain, PrintWriter out) {
        Manifest m = chain.manifest();
        if (m == null) {
            throw HammerException.notFound(chain.url + ": no chain there (nothing was mirrored to it)");
        }
        StringBuilder b = new StringBuilder();
        b.append(chain.url.latest()).append("\tchain {\n");
        b.append("    shared-uuid=").append(m.sharedUuid()).append('\n');
        b.append("    label=\"").append(m.label()).append("\"\n");
        b.append("    sync-end-tid=").append(Tid.format(m.end())).append('\n');
        b.append("    encryption=").append(chain.sealer == null ? "none" : "aes-256-gcm key " + chain.sealer.keyId())
                .append('\n');
        for (LineageSegment s : m.lineage()) {
            b.append("    lineage=").append(s.producer()).append(' ').append(Tid.format(s.first())).append("..")
                    .append(Tid.format(s.last())).append('\n');
        }
        long total = 0;
        Set<String> listed = new HashSet<>();
        for (Manifest.ChainObject o : m.objects()) {
            b.append(String.format("    %s %s..%s %12d bytes %s %s%n", o.kind(), Tid.format(o.beg()), Tid.format(o.end()),
                    o.size(), o.created().truncatedTo(ChronoUnit.SECONDS), o.key()));
            total += o.size();
            listed.add(o.key());
        }
        b.append("    objects=").append(m.objects().size()).append(" bytes=").append(total).append('\n');
        b.append("    restore-points=").append(m.points().size()).append('\n');
        long[] p = chain.pending();
        if (p != null) {
            String key = chain.objectKey(m.sharedUuid(), p[0], p[1]);
            int parts = 0;
            for (String id : chain.bucket.uploads(key)) {
                parts += chain.bucket.parts(key, id).size();
            }
            b.append("    upload-in-progress=").append(Tid.format(p[0])).append("..").append(Tid.format(p[1]))
                    .append(" (").append(parts).append(" parts sent; the next mirror-copy resumes it)\n");
        }
        b.append("}\n");
        out.print(b);
        out.flush();
    }
}
