package org.hammer.s3;

import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.LineageSegment;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.tid.Tid;

/**
 * The lineage rule of DESIGN.md §6.6 for a new base: every TID the chain holds must have come from
 * the producer the source says made it, or the chain holds history the source never had.
 */
final class ChainLineage {
    private ChainLineage() {
    }

    static void check(Manifest chain, PfsConfig source, String name) {
        List<LineageSegment> src = source.lineage();
        long limit = src.isEmpty() ? 0 : src.get(src.size() - 1).last();
        for (LineageSegment t : chain.lineage()) {
            long pos = t.first();
            long last = Long.compareUnsigned(t.last(), limit) < 0 ? t.last() : limit;
            while (Long.compareUnsigned(pos, last) <= 0) {
                LineageSegment s = covering(src, pos);
                if (s == null || !s.producer().equals(t.producer())) {
                    throw HammerException.refused(name + " holds history from TID " + Tid.format(pos)
                            + " that source " + source.label() + " never had (another master's chain);"
                            + " use another prefix");
                }
                if (s.last() == -1L) {
                    break;
                }
                pos = s.last() + 1;
                if (pos == 0) {
                    break;
                }
            }
        }
    }

    private static LineageSegment covering(List<LineageSegment> l, long tid) {
        for (LineageSegment s : l) {
            if (Long.compareUnsigned(s.first(), tid) <= 0 && Long.compareUnsigned(tid, s.last()) <= 0) {
                return s;
            }
        }
        return null;
    }
}
