package org.hammer.cli;

import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.hammer.core.history.History;
import org.hammer.core.history.Located;
import org.hammer.core.history.Locator;
import org.hammer.core.history.Version;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code history}: the TIDs at which each file changed (HAMMER.md §1.10). */
@Command(name = "history", description = {
    "Print the versions of each file: the TID and time of every change to its attributes or data. "
            + "A path that no longer exists is looked up in its directory's history; "
            + "name@@0x<tid> names the file that had that name at that TID."})
public final class HistoryCommand implements Callable<Integer> {
    /** hammer(8)'s history time format, in local time. */
    static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.US).withZone(ZoneId.systemDefault());

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories, current or deleted.")
    private List<String> paths;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (String arg : paths) {
            Locator.Arg a = Locator.Arg.parse(arg);
            try (PfsPath p = PfsPath.resolve(a.base())) {
                Located l = Locator.locate(p, a);
                List<Version> versions = p.store().read(r -> History.versions(r, l.pfs(), l.ino(), l.asOf()));
                out.printf("%s\t%016x clean {%n", arg, l.ino());
                for (Version v : versions) {
                    out.printf("    %s %s%n", Tid.format(v.tid()), when(v.tsMicros()));
                }
                out.println("}");
            }
        }
        out.flush();
        return 0;
    }

    static String when(long micros) {
        return WHEN.format(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)));
    }
}
