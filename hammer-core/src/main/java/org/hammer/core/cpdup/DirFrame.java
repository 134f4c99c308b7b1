package org.hammer.core.cpdup;

import java.util.List;

/** A directory being walked: its source and target, its source names and how far the walk got. */
final class DirFrame<S, T> {
    final S src;
    final T dst;
    final Meta meta;
    final String path;
    final List<String> names;
    final boolean created;
    int next;

    DirFrame(S src, T dst, Meta meta, String path, List<String> names, boolean created) {
        this.src = src;
        this.dst = dst;
        this.meta = meta;
        this.path = path;
        this.names = names;
        this.created = created;
    }
}
