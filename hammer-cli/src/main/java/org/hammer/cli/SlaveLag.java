package org.hammer.cli;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Record;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;

/**
 * How far a slave lags behind its master, for pfs-status: the master is looked for (same
 * shared-uuid, MASTER mode) in the slave's own store, then in the mounted stores; the lag is the
 * number of the master's changes after the slave's sync-end-tid (counted up to a cap, so that the
 * report stays cheap) and the age of the oldest of them.
 */
final class SlaveLag {

    static final int COUNT_CAP = 100_000;

    /** What one look at a master found. */
    record Lag(int masterId, long changes, long oldestMicros) {
    }

    private SlaveLag() {
    }

    /** One line, without indentation, such as {@code lag=3 changes behind master PFS#1, oldest 12s ago}. */
    static String describe(Store store, PfsConfig slave) {
        Lag lag = measure(store, slave);
        if (lag != null) {
            return text(lag, "");
        }
        for (Path dir : otherMountedStores(store.dir())) {
            try (Store other = Store.open(dir)) {
                lag = measure(other, slave);
                if (lag != null) {
                    return text(lag, " of " + dir);
                }
            } catch (HammerException e) {
                // A stale or unreadable mount entry just does not hold the master.
            }
        }
        return "lag=unknown (no master with this shared-uuid in this store or a mounted one)";
    }

    static String text(Lag lag, String where) {
        String master = "master PFS#" + lag.masterId() + where;
        if (lag.changes() == 0) {
            return "lag=0 (up to date with " + master + ")";
        }
        String count = lag.changes() >= COUNT_CAP ? COUNT_CAP + "+" : Long.toString(lag.changes());
        long ageSeconds = Math.max(0, (System.currentTimeMillis() * 1000 - lag.oldestMicros()) / 1_000_000);
        String changes = lag.changes() == 1 ? " change" : " changes";
        return "lag=" + count + changes + " behind " + master + ", oldest " + ageSeconds + "s ago";
    }

    /** The lag behind the master of {@code slave} in {@code store}, or null when it holds none. */
    static Lag measure(Store store, PfsConfig slave) {
        return store.read(r -> {
            for (PfsConfig c : PfsTable.list(r)) {
                if (c.isSlave() || !c.sharedUuid().equals(slave.sharedUuid())) {
                    continue;
                }
                long[] count = {0};
                long[] oldest = {0};
                r.scanChanges(c.id(), slave.syncEndTid(), null, PfsTable.syncEndTid(r, c), (tid, key) -> {
                    if (count[0] == 0) {
                        Record rec = r.get(key);
                        if (rec != null) {
                            oldest[0] = tid == key.createTid() ? rec.createTs() : rec.deleteTs();
                        }
                    }
                    return ++count[0] < COUNT_CAP;
                });
                return new Lag(c.id(), count[0], oldest[0]);
            }
            return null;
        });
    }

    private static Set<Path> otherMountedStores(Path own) {
        Path self = PfsTarget.real(own);
        Set<Path> dirs = new LinkedHashSet<>();
        for (MountTable.Mount m : MountTable.read()) {
            Path dir = PfsTarget.real(m.storeDir());
            if (!dir.equals(self) && Store.isStore(dir)) {
                dirs.add(dir);
            }
        }
        return dirs;
    }
}
