package org.hammer.cli;

import java.io.PrintWriter;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code snapls}: list the snapshots of a PFS (HAMMER.md §3.4). */
@Command(name = "snapls", description = {"List the snapshots recorded in the PFS holding PATH (default: .)."})
public final class SnaplsCommand extends ShortCommand {
    static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z", Locale.US);

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
        for (String path : paths) {
            try (PfsPath p = PfsPath.resolve(path)) {
                List<Snapshot> snaps = p.store().read(r -> Snapshots.list(r, p.pfs()));
                out.printf("Snapshots on %s\tPFS #%d%n", path, p.pfs());
                out.println("Transaction ID\t\tTimestamp\t\tNote");
                for (Snapshot s : snaps) {
                    out.printf("%s\t%s\t%s%n", Tid.format(s.tid()), WHEN.format(SnapshotCommand.local(s.tsMicros())),
                            s.note().isEmpty() ? "-" : s.note());
                }
            }
        }
        out.flush();
        return 0;
    }
}
