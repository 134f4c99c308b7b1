package org.hammer.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.prune.PruneReport;
import org.hammer.core.prune.PruneStats;
import org.hammer.core.prune.Pruner;
import org.hammer.core.prune.Retention;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code prune}: destroy the history the PFS's snapshots and prune-min do not keep (HAMMER.md §3.5). */
@Command(name = "prune", description = {
    "Prune the PFS holding PATH: keep full history since its newest snapshot older than prune-min, "
            + "keep the state at every such snapshot, and physically destroy the rest of the history."})
public final class PruneCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "A path in the PFS.")
    private String path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PfsPath p = PfsPath.resolve(path)) {
            Instant now = Instant.now();
            long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
            Pruner pruner = new Pruner(p.store(), p.pfs());
            List<Snapshot> snaps = p.store().read(r -> Snapshots.list(r, p.pfs()));
            Retention r = pruner.retention(micros);
            PruneReport.header(path, snaps.size(), p.config().pruneMinSeconds(), r, Retention.skippedYoung(snaps, r))
                    .forEach(out::println);
            out.flush();
            PruneStats s = pruner.run(r, Long.MAX_VALUE);
            PruneReport.footer(path, s).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
