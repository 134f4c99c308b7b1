package org.hammer.core.pfs;

import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;

/** The PFS records of a store, kept in its metadata under {@code pfs/NNNNN}. */
public final class PfsTable {
    private static final String PREFIX = "pfs/";

    private PfsTable() {
    }

    /** The metadata key of PFS {@code id}'s record, {@code pfs/NNNNN}. */
    public static String key(int id) {
        return PREFIX + fiveDigits(id);
    }

    /** {@code %05d} without the cost of a format string on this hot path. */
    static String fiveDigits(int id) {
        String n = Integer.toString(id);
        return "00000".substring(Math.min(5, n.length())) + n;
    }

    /**
     * The metadata key of a PFS's own bookkeeping entry {@code name} (never mirrored, removed with
     * the PFS), under {@code pfsdata/NNNNN/}.
     */
    public static String dataKey(int id, String name) {
        return dataPrefix(id) + name;
    }

    static String dataPrefix(int id) {
        return "pfsdata/" + fiveDigits(id) + "/";
    }

    /** The PFS record of {@code id}, or null. */
    public static PfsConfig find(StoreReader r, int id) {
        byte[] v = r.meta(key(id));
        return v == null ? null : PfsConfig.decode(v);
    }

    public static PfsConfig get(StoreReader r, int id) {
        PfsConfig c = find(r, id);
        if (c == null) {
            throw HammerException.notFound(String.format("PFS#%d: no such PFS", id));
        }
        return c;
    }

    public static List<PfsConfig> list(StoreReader r) {
        List<PfsConfig> out = new ArrayList<>();
        r.scanMeta(PREFIX, (k, v) -> out.add(PfsConfig.decode(v)));
        return out;
    }

    public static void put(StoreWriter w, PfsConfig c) {
        w.putMeta(key(c.id()), c.encode());
    }

    static void remove(StoreWriter w, int id) {
        w.deleteMeta(key(id));
    }

    /** The lowest unused PFS id, as pfs-master probes 0..65535. */
    static int freeId(StoreReader r) {
        for (int id = 1; id <= 0xFFFF; id++) {
            if (r.meta(key(id)) == null) {
                return id;
            }
        }
        throw HammerException.failure("all PFSs in use");
    }

    /**
     * The sync-end-tid a PFS reports: a master's newest committed TID (HAMMER's flush_tid1), a
     * slave's stored sync point.
     */
    public static long syncEndTid(StoreReader r, PfsConfig c) {
        return c.isSlave() ? c.syncEndTid() : r.lastTid();
    }

    /** The TID reads of a PFS are served at: current for a master, sync-end-tid for a slave. */
    public static long readTid(PfsConfig c) {
        return c.isSlave() ? c.syncEndTid() : Tid.MAX;
    }
}
