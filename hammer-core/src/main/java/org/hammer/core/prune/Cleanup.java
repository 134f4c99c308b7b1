package org.hammer.core.prune;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.store.Store;

/**
 * One cleanup pass over a PFS, driven by its config (HAMMER.md §3.5): lays down the default config
 * when there is none, takes a snapshot when the newest is older than the snapshot period, removes
 * snapshots older than the retention, and prunes when the prune period has passed, within its run
 * time. The other directives have no equivalent here and are reported as not applicable.
 */
public final class Cleanup {
    private final Store store;
    private final int pfs;
    private final String path;
    private final Clock clock;
    private final Consumer<String> out;

    public Cleanup(Store store, int pfs, String path, Clock clock, Consumer<String> out) {
        this.store = store;
        this.pfs = pfs;
        this.path = path;
        this.clock = clock;
        this.out = out;
    }

    public void run() {
        out.accept(String.format("cleanup %-20s - handle PFS #%d", path, pfs));
        String text = store.read(r -> ConfigRecord.read(r, pfs));
        if (text == null) {
            out.accept("    creating default config");
            ConfigRecord.write(store, pfs, CleanupConfig.DEFAULT_TEXT);
        }
        CleanupConfig config = store.read(r -> ConfigRecord.effective(r, pfs));
        snapshots(config.directive("snapshots"));
        prune(config.directive("prune"));
        for (String name : List.of("rebalance", "dedup", "reblock", "recopy")) {
            CleanupConfig.Directive d = config.directive(name);
            step(name, d == null ? "disabled" : "not applicable");
        }
    }

    private void step(String name, String what) {
        out.accept(String.format("%20s - %s", name, what));
    }

    private long nowMicros() {
        Instant i = clock.instant();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    void snapshots(CleanupConfig.Directive d) {
        if (d == null) {
            step("snapshots", "disabled");
            return;
        }
        long now = nowMicros();
        List<Snapshot> list = store.read(r -> Snapshots.list(r, pfs));
        long newest = list.stream().mapToLong(Snapshot::tsMicros).max().orElse(Long.MIN_VALUE);
        Snapshot taken = null;
        if (d.periodSeconds() > 0 && (list.isEmpty() || now - newest >= d.periodSeconds() * 1_000_000L)) {
            taken = Snapshots.take(store, pfs, "cleanup", now);
        }
        int removed = 0;
        if (d.argSeconds() >= 0) {
            long cutoff = now - d.argSeconds() * 1_000_000L;
            for (Snapshot s : list) {
                if (s.tsMicros() < cutoff && (taken == null || s.tid() != taken.tid()) && Snapshots.remove(store, pfs, s.tid())) {
                    removed++;
                }
            }
        }
        step("snapshots", (taken == null ? "skip" : "run, took " + org.hammer.core.tid.Tid.format(taken.tid()))
                + (removed > 0 ? ", removed " + removed + " expired" : ""));
    }

    void prune(CleanupConfig.Directive d) {
        if (d == null) {
            step("prune", "disabled");
            return;
        }
        long now = nowMicros();
        String key = org.hammer.core.pfs.PfsTable.dataKey(pfs, "cleanup-prune");
        long last = store.read(r -> {
            byte[] v = r.meta(key);
            return v == null ? Long.MIN_VALUE : ByteBuffer.wrap(v).getLong();
        });
        if (last != Long.MIN_VALUE && now - last < d.periodSeconds() * 1_000_000L) {
            step("prune", "skip");
            return;
        }
        step("prune", "run");
        Pruner pruner = new Pruner(store, pfs);
        Retention r = pruner.retention(now);
        List<Snapshot> snaps = store.read(x -> Snapshots.list(x, pfs));
        int pruneMin = store.read(x -> PfsTable.get(x, pfs).pruneMinSeconds());
        PruneReport.header(path, snaps.size(), pruneMin, r, Retention.skippedYoung(snaps, r)).forEach(out);
        long deadline = d.argSeconds() > 0 ? System.nanoTime() + d.argSeconds() * 1_000_000_000L
                : Long.MAX_VALUE;
        PruneStats s = pruner.run(r, deadline);
        PruneReport.footer(path, s).forEach(out);
        store.apply(w -> {
            w.putMeta(key, ByteBuffer.allocate(8).putLong(now).array());
            return null;
        });
    }
}
