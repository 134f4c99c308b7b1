package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.snapshot.Snapshots;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snaprm}: remove snapshots by link or by TID (HAMMER.md §3.4). */
@Command(name = "snaprm", description = {
    "Remove snapshots. A snapshot link is removed with its snapshot; a TID (0x...) removes the snapshot from "
            + "the PFS of the last path given before it (default: .); a directory or a PFS link only selects its PFS. "
            + "On a slave this removes the slave's own copy only."})
public final class SnaprmCommand implements Callable<Integer> {
    private static final Pattern TID = Pattern.compile("0x[0-9a-fA-F]{1,16}");

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH|TID", arity = "1..*", description = "Snapshot links, directories or TIDs.")
    private List<String> args;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        String pfsPath = ".";
        for (String arg : args) {
            if (TID.matcher(arg).matches()) {
                remove(pfsPath, Tid.parseHex(arg), arg);
                continue;
            }
            String text = SnapshotLinks.read(arg);
            if (text == null || SnapshotLinks.isPfsLink(text)) {
                pfsPath = arg;
                continue;
            }
            long tid = SnapshotLinks.tidOf(text);
            if (tid == -1) {
                throw HammerException.refused(arg + ": not a snapshot link (" + text + ")");
            }
            SnapshotLinks.remove(arg);
            remove(text, tid, arg);
        }
        out.flush();
        return 0;
    }

    /** Removes the snapshot {@code tid} of the PFS holding {@code path}; a missing one is no error for a link. */
    private static void remove(String path, long tid, String arg) {
        try (PfsPath p = PfsPath.resolve(path)) {
            boolean removed = Snapshots.remove(p.store(), p.pfs(), tid);
            if (!removed && arg.startsWith("0x")) {
                throw HammerException.notFound(String.format("%s: no snapshot in PFS#%d", Tid.format(tid), p.pfs()));
            }
        }
    }
}
