package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.prune.PruneReport;
import org.hammer.core.prune.Pruner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code prune-everything}: destroy all history of a PFS (HAMMER.md §3.5). */
@Command(name = "prune-everything", description = {
    "Destroy every deleted record of the PFS holding PATH: only its current state remains "
            + "(a slave keeps what its sync-end-tid shows)."})
public final class PruneEverythingCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", description = "A path in the PFS.")
    private String path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (PfsPath p = PfsPath.resolve(path)) {
            out.printf("Prune %s: EVERYTHING%n", path);
            out.flush();
            PruneReport.footer(path, new Pruner(p.store(), p.pfs()).pruneEverything()).forEach(out::println);
        }
        out.flush();
        return 0;
    }
}
