package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.PfsPath;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snap}: take a snapshot of the PFS holding PATH and link it there (HAMMER.md §3.4). */
@Command(name = "snap", description = {
    "Take a snapshot of the PFS holding PATH and create a link to it: PATH/snap-%%Y%%m%%d-%%H%%M when PATH is "
            + "a directory, else PATH itself. Prints the link's path.",
    "hammer(8)'s snaplo is snap --lo and its snapq is snap --query."})
public final class SnapCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "--lo", description = "Link to the directory PATH as of the snapshot (PATH/@@0x<tid>) instead of "
            + "the root of its PFS (hammer snaplo).")
    private boolean local;

    @Option(names = "--query", description = "Create no link: print the path of the snapshot (<pfs>/@@0x<tid>) "
            + "(hammer snapq).")
    private boolean query;

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
            if (local) {
                long tid = SnapshotLinks.tidOf(target);
                target = Path.of(path).toAbsolutePath().normalize() + "/" + AsOfName.of("", tid).format();
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(query ? target : SnapshotLinks.create(path, target, now));
        out.flush();
        return 0;
    }
}
