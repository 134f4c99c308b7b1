/**
 * Snapshots (HAMMER.md §3.4): a snapshot is a retained TID, recorded as a SNAPSHOT record on the
 * PFS root with key = TID and data {tid, ts µs, note}. SNAPSHOT records are mirrored like any
 * other record; on a slave they are managed locally. Also the PFS-root records a slave keeps for
 * itself (its snapshots and its cleanup config), written without a TID of their own.
 */
package org.hammer.core.snapshot;
