package org.hammer.core.pfs;

import org.hammer.core.btree.RecordKey;

/**
 * Where an interrupted batch stopped on a slave: the last change {@code (tid, key)} it applied
 * and committed after its sync-end-tid (DESIGN.md §6.4). A resumed mirror continues right after it.
 */
public record ResumeCursor(long tid, RecordKey key) {
}
