package org.hammer.cli;

import java.util.Iterator;
import java.util.List;

/**
 * The {@code KEY=} words of pfs-update, pfs-master and pfs-slave (PfsUpdate parses them), offered
 * by the shell's completion.
 */
final class PfsKeys implements Iterable<String> {
    static final List<String> WORDS = List.of("sync-beg-tid=", "sync-end-tid=", "shared-uuid=", "unique-uuid=",
            "label=", "snapshots=", "snapshots-clear", "prune-min=");

    @Override
    public Iterator<String> iterator() {
        return WORDS.iterator();
    }
}
