package org.hammer.core.scrub;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreCheck;
import org.hammer.core.store.StoreReader;

/**
 * {@code hammer scrub}: checks a store, or one PFS of it, and reports every damaged object as it
 * is found (see the package description). In order: the PFS records, the PFS links (when PFS #0
 * is scrubbed), the PFS-level checks of each PFS, records of PFSes that have no PFS record (the
 * whole store), then the checksum walk of {@link Store#check}, the long part, with progress.
 * Only reads: the store is never written.
 */
public final class Scrub {
    /** The scope of a scrub of the whole store. */
    public static final int WHOLE_STORE = StoreCheck.ALL_PFSES;

    private final Store store;
    private final int only;
    private final ScrubListener listener;
    private final PathNames names;
    private final Consumer<Finding> report;
    private long damaged;
    private PfsRecords table = new PfsRecords();

    private Scrub(Store store, int only, String root, ScrubListener listener) {
        this.store = store;
        this.only = only;
        this.listener = listener;
        this.report = f -> {
            damaged++;
            listener.damaged(f);
        };
        boolean rootIsPfs0 = only == WHOLE_STORE || only == 0;
        this.names = new PathNames(rootIsPfs0 && root != null ? root : store.dir().toString());
        if (!rootIsPfs0 && root != null) {
            names.root(only, root);
        }
    }

    /**
     * Scrubs {@code store}: the whole of it ({@link #WHOLE_STORE}) or PFS {@code pfs}'s records and
     * change entries plus the store-wide structures. {@code root} names the root of PFS #0 (whole
     * store) or of {@code pfs} as the user did, for the paths of damaged objects; null: derived.
     */
    public static ScrubResult run(Store store, int pfs, String root, ScrubListener listener) {
        if (pfs != WHOLE_STORE && (pfs < 0 || pfs > 0xFFFF)) {
            throw new IllegalArgumentException("PFS id out of range: " + pfs);
        }
        return new Scrub(store, pfs, root, listener).run();
    }

    private boolean covers(int pfs) {
        return only == WHOLE_STORE || only == pfs;
    }

    private ScrubResult run() {
        long t0 = System.nanoTime();
        step("PFS records", () -> store.read(r -> {
            table = PfsRecords.read(r, report);
            names.configs(table.configs);
            return null;
        }));
        if (covers(0)) {
            step("PFS links", this::links);
        }
        if (only != WHOLE_STORE && !table.exists(only)) {
            report.accept(Finding.pfs(only, "no PFS record"));
        }
        List<PfsConfig> checked = new ArrayList<>();
        for (PfsConfig c : table.configs.values()) {
            if (covers(c.id())) {
                checked.add(c);
                listener.checking(c, names.root(c.id()));
                // Each step reads its own snapshot, newer than the PFS records': a TID a writer added
                // since is not newer than the store in the snapshot that shows it.
                step("PFS#" + c.id(), () -> store.read(r -> {
                    PfsChecks.check(r, c, lastTid(r), names, report);
                    return null;
                }));
            }
        }
        if (only == WHOLE_STORE) {
            step("PFS ids", this::orphans);
        }
        StoreCheck.Totals t = walk();
        return new ScrubResult(checked.size(), t.records(), t.changes(), t.metaEntries(), t.recordBytes(), damaged,
                System.nanoTime() - t0);
    }

    /** Runs one step; a failure that ends it (a page LMDB cannot follow) is one finding, and the scrub goes on. */
    private void step(String what, Runnable work) {
        try {
            work.run();
        } catch (HammerException e) {
            report.accept(new Finding("store", only == WHOLE_STORE ? -1 : only, null, what + ": " + e.getMessage(),
                    null));
        }
    }

    private static long lastTid(StoreReader r) {
        try {
            return r.lastTid();
        } catch (HammerException e) {
            return 0; // a damaged counter: the store check reports its meta entry
        }
    }

    /**
     * Whether PFS {@code id} has a PFS record: one read at the start, or one in the snapshot
     * {@code r} (a PFS made since), readable or not.
     */
    private boolean exists(StoreReader r, int id) {
        if (table.exists(id) || id < 0 || id > 0xFFFF) {
            return table.exists(id);
        }
        try {
            return r.meta(PfsTable.key(id)) != null;
        } catch (HammerException e) {
            return true; // damaged: the store check reports it
        }
    }

    /** PFS links name their PFS's root; a live link to a PFS that does not exist is damage. */
    private void links() {
        store.read(r -> {
            for (PfsLinks.Link l : PfsLinks.scan(r)) {
                String path = names.of(r, 0, l.key().obj(), l.key().createTid());
                if (!exists(r, l.pfs())) {
                    report.accept(Finding.record("config", l.key(), String.format(
                            "PFS link @@PFS%05d names PFS#%d, which does not exist", l.pfs(), l.pfs()), path));
                } else if (!path.equals(Finding.PATH_UNKNOWN) && names.unnamed(l.pfs())) {
                    names.root(l.pfs(), path);
                }
            }
            return null;
        });
    }

    /** Records of a PFS id that has no PFS record belong to nothing. */
    private void orphans() {
        store.read(r -> {
            SortedSet<Integer> ids = RecordScan.pfsIds(r);
            for (int id : ids) {
                if (!exists(r, id)) {
                    report.accept(Finding.pfs(id, "records of a PFS that has no PFS record"));
                }
            }
            return null;
        });
    }

    /** The path of a damaged record's object, in a snapshot of its own (the walk's is busy). */
    private String pathOf(org.hammer.core.btree.RecordKey k) {
        try {
            return store.readNear(r -> names.of(r, k.pfs(), k.obj(), k.createTid()));
        } catch (RuntimeException e) {
            return Finding.PATH_UNKNOWN;
        }
    }

    /** The checksum walk, with progress against the store's used bytes. */
    private StoreCheck.Totals walk() {
        long total = only == WHOLE_STORE ? store.usedBytes() : 0;
        long start = System.nanoTime();
        listener.progress(new ScrubProgress(0, 0, total, 0));
        StoreCheck.Totals t = store.check(new StoreCheck.Listener() {
            @Override
            public void damage(StoreCheck.Damage d) {
                report.accept(Finding.of(d, d.key() == null ? null : pathOf(d.key())));
            }

            @Override
            public void progress(long bytes, long entries) {
                listener.progress(new ScrubProgress(bytes, entries, total, System.nanoTime() - start));
            }

            @Override
            public int onlyPfs() {
                return only;
            }
        });
        listener.progress(new ScrubProgress(t.recordBytes(), t.records() + t.changes() + t.metaEntries(),
                Math.max(total, t.recordBytes()), System.nanoTime() - start));
        return t;
    }
}
