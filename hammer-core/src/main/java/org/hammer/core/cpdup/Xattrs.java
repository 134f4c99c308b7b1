package org.hammer.core.cpdup;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;

/** Extended attributes, copied for regular files and directories only (as cpdup(1) does). */
final class Xattrs {
    private Xattrs() {
    }

    /**
     * Makes {@code t}'s attributes those of {@code s}: sets what differs, removes what the source
     * lacks; a {@code fresh} target has none yet.
     */
    static <S, T> void sync(SourceTree<S> src, S s, TargetTree<T> dst, T t, Meta m, boolean fresh) {
        if (!m.isRegular() && !m.isDir()) {
            return;
        }
        SortedMap<String, byte[]> want = src.xattrs(s, m);
        SortedMap<String, byte[]> have = fresh ? Collections.emptySortedMap() : dst.xattrs(t, m);
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            if (!Arrays.equals(have.get(e.getKey()), e.getValue())) {
                dst.setXattr(t, e.getKey(), e.getValue());
            }
        }
        for (String k : have.keySet()) {
            if (!want.containsKey(k)) {
                dst.removeXattr(t, k);
            }
        }
    }
}
