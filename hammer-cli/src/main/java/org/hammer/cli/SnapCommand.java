package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.PfsPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snap}: take a snapshot of the PFS holding PATH and link it there (HAMMER.md §3.4). */
@Command(name = "snap", description = {
    "Take a snapshot of the PFS holding PATH and create a link to it: PATH/snap-%%Y%%m%%d-%%H%%M when PATH is "
            + "a directory, else PATH itself. Prints the link's path."})
public final class SnapCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "A directory of the PFS, or the link to create.")
    private String path;

    @Parameters(index = "1", arity = "0..1", paramLabel = "NOTE", description = "A note of at most 64 bytes.")
    private String note = "";

    @Override
    public Integer call() throws IOException {
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        String target;
        try (PfsPath p = PfsPath.resolve(path)) {
            target = SnapshotCommand.take(p, note);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(SnapshotLinks.create(path, target, now));
        out.flush();
        return 0;
    }
}
