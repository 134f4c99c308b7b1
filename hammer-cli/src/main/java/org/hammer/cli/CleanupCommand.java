package org.hammer.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.prune.Cleanup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cleanup}: the periodic maintenance each PFS's config asks for (HAMMER.md §3.5). */
@Command(name = "cleanup", description = {
    "Run the periodic maintenance of each PFS (default: every mounted one) as its config says: "
            + "take and expire snapshots, prune. Lays down the default config where there is none. "
            + "rebalance, dedup, reblock and recopy have no equivalent and are reported as not applicable."})
public final class CleanupCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Paths in PFSes.")
    private List<String> paths = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> targets = new ArrayList<>(paths);
        if (targets.isEmpty()) {
            MountTable.read().forEach(m -> targets.add(m.mountPoint().toString()));
            if (targets.isEmpty()) {
                throw HammerException.notFound("no mounted hammer filesystems; give a PATH");
            }
        }
        for (String path : targets) {
            try (PfsPath p = PfsPath.resolve(path)) {
                new Cleanup(p.store(), p.pfs(), path, Clock.systemDefaultZone(), line -> {
                    out.println(line);
                    out.flush();
                }).run();
            }
        }
        out.flush();
        return 0;
    }
}
