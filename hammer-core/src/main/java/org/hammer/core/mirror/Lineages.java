package org.hammer.core.mirror;

import java.util.List;
import org.hammer.core.pfs.LineageSegment;

/** Compares lineages (DESIGN.md §6.6): where does a target hold history its source never had? */
final class Lineages {
    private Lineages() {
    }

    /**
     * The first TID at or below {@code targetEnd} (and within what the source's lineage covers)
     * that the target got from another producer than the source did, or 0 when they agree.
     */
    static long divergence(List<LineageSegment> target, long targetEnd, List<LineageSegment> source) {
        if (source.isEmpty()) {
            return 0;
        }
        long sourceLast = source.get(source.size() - 1).last();
        long limit = Long.compareUnsigned(targetEnd, sourceLast) < 0 ? targetEnd : sourceLast;
        for (LineageSegment t : target) {
            long from = t.first();
            long to = Long.compareUnsigned(t.last(), limit) < 0 ? t.last() : limit;
            if (Long.compareUnsigned(from, to) > 0) {
                continue;
            }
            long pos = from;
            for (LineageSegment s : source) {
                if (Long.compareUnsigned(s.last(), pos) < 0) {
                    continue;
                }
                if (Long.compareUnsigned(s.first(), pos) > 0 || !s.producer().equals(t.producer())) {
                    return pos;
                }
                if (Long.compareUnsigned(s.last(), to) >= 0) {
                    pos = 0;
                    break;
                }
                pos = s.last() + 1;
            }
            if (pos != 0) {
                return pos;
            }
        }
        return 0;
    }

    /** The last TID both lineages agree on before {@code diverged}. */
    static long lastCommon(long diverged) {
        return diverged - 1;
    }
}
