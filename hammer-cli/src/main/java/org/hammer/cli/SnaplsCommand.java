package org.hammer.cli;

import java.io.PrintWriter;
import java.util.List;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code snapls}: list the snapshots of a PFS (HAMMER.md §3.4). */
@Command(name = "snapls", description = {"List the snapshots recorded in the PFS holding PATH (default: .)."})
public final class SnaplsCommand extends ShortCommand {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Paths in PFSes.")
    private List<String> paths = List.of(".");

    @Override
    boolean plain(List<String> args) {
        if (!args.stream().allMatch(ShortCommand::value)) {
            return false;
        }
        if (!args.isEmpty()) {
            paths = List.copyOf(args);
        }
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        java.util.TimeZone zone = java.util.TimeZone.getDefault();
        for (String path : paths) {
            try (PfsPath p = PfsPath.resolve(path)) {
                List<Snapshot> snaps = p.store().read(r -> Snapshots.list(r, p.pfs()));
                out.print("Snapshots on " + path + "\tPFS #" + p.pfs() + System.lineSeparator());
                out.println("Transaction ID\t\tTimestamp\t\tNote");
                for (Snapshot s : snaps) {
                    out.print(Tid.format(s.tid()) + "\t" + LocalTimes.snapshot(Math.floorDiv(s.tsMicros(), 1_000_000L), zone)
                            + "\t" + (s.note().isEmpty() ? "-" : s.note()) + System.lineSeparator());
                }
            }
        }
        out.flush();
        return 0;
    }
}
