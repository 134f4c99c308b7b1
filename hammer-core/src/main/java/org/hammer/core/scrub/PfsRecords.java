package org.hammer.core.scrub;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.StoreReader;

/**
 * The PFS records of a store as a scrub reads them: every one that decodes, and the ids of those
 * that do not. A record that fails its checksum is the store check's to report (it walks every
 * meta entry); one that passes it and still does not decode, or holds another PFS's id, is
 * reported here. PFS #0 must exist and be a master.
 */
final class PfsRecords {
    private static final String PREFIX = "pfs/";

    final SortedMap<Integer, PfsConfig> configs = new TreeMap<>();
    final SortedSet<Integer> unreadable = new TreeSet<>();

    static PfsRecords read(StoreReader r, Consumer<Finding> report) {
        PfsRecords t = new PfsRecords();
        List<Finding> found = new ArrayList<>();
        try {
            r.scanMeta(PREFIX, (name, v) -> {
                t.add(name, v, found::add);
                return true;
            });
        } catch (HammerException e) {
            // A damaged entry ends the scan: ask for each possible id instead (only on a damaged store).
            t.configs.clear();
            t.unreadable.clear();
            found.clear();
            t.probe(r, found::add);
        }
        found.forEach(report);
        PfsConfig root = t.configs.get(0);
        if (root == null && !t.unreadable.contains(0)) {
            report.accept(Finding.pfs(0, "no PFS record (PFS#0 is the root of every store)"));
        } else if (root != null && root.isSlave()) {
            report.accept(Finding.pfs(0, "PFS record says SLAVE (PFS#0 is always a master)"));
        }
        return t;
    }

    /** Whether PFS {@code id} has a PFS record, readable or not. */
    boolean exists(int id) {
        return configs.containsKey(id) || unreadable.contains(id);
    }

    private void probe(StoreReader r, Consumer<Finding> report) {
        for (int id = 0; id <= 0xFFFF; id++) {
            String name = PfsTable.key(id);
            byte[] v;
            try {
                v = r.meta(name);
            } catch (HammerException e) {
                unreadable.add(id);
                continue;
            }
            if (v != null) {
                add(name, v, report);
            }
        }
    }

    private void add(String name, byte[] v, Consumer<Finding> report) {
        int id;
        try {
            id = Integer.parseInt(name.substring(PREFIX.length()));
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0 || id > 0xFFFF || !PfsTable.key(id).equals(name)) {
            report.accept(new Finding("meta", -1, null, "meta entry '" + name + "' is not named like a PFS record",
                    null));
            return;
        }
        try {
            PfsConfig c = PfsConfig.decode(v);
            if (c.id() != id) {
                unreadable.add(id);
                report.accept(Finding.pfs(id, "PFS record holds the id of PFS#" + c.id()));
                return;
            }
            configs.put(id, c);
        } catch (RuntimeException e) {
            unreadable.add(id);
            report.accept(Finding.pfs(id, "PFS record unreadable: " + e.getMessage()));
        }
    }
}
