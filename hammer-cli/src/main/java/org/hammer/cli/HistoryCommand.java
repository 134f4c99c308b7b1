package org.hammer.cli;

import java.io.PrintWriter;
import java.util.List;
import org.hammer.core.history.History;
import org.hammer.core.history.Located;
import org.hammer.core.history.Locator;
import org.hammer.core.history.Version;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history}: the TIDs at which each file changed (HAMMER.md §1.10). */
@Command(name = "history", description = {
    "Print the versions of each file: the TID and time of every change to its attributes or data. "
            + "A path that no longer exists is looked up in its directory's history; "
            + "name@@0x<tid> names the file that had that name at that TID.",
    "hammer(8)'s history@OFFSET[,LENGTH] is history --offset OFFSET [--length LENGTH]: with -v, LENGTH bytes "
            + "(default 32) of the file at OFFSET are printed under each version, as of that version."})
public final class HistoryCommand extends ShortCommand {

    private static final int DEFAULT_LENGTH = 32;

    @Option(names = "--offset", paramLabel = "OFFSET",
            description = "With -v, print the file's data at OFFSET as of each version (hammer(8)'s history@OFFSET).")
    private Long offset;

    @Option(names = "--length", paramLabel = "LENGTH", defaultValue = "" + DEFAULT_LENGTH,
            description = "How many bytes --offset prints (default ${DEFAULT-VALUE}; history@OFFSET,LENGTH).")
    private int length;

    @Parameters(paramLabel = "PATH", arity = "1..*", description = "Files or directories, current or deleted.")
    private List<String> paths;

    @Override
    boolean plain(List<String> args) {
        if (args.isEmpty() || !args.stream().allMatch(ShortCommand::value)) {
            return false;
        }
        paths = new java.util.ArrayList<>(args);
        length = DEFAULT_LENGTH;
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        if (offset != null && (offset < 0 || length < 0)) {
            throw org.hammer.core.HammerException.usage("history@" + offset + "," + length
                    + ": offset and length must not be negative");
        }
        boolean dump = offset != null && verbosity() > 0;
        for (String arg : paths) {
            Locator.Arg a = Locator.Arg.parse(arg);
            try (PfsPath p = PfsPath.resolve(a.base())) {
                Located l = Locator.locate(p, a);
                List<Version> versions = p.store().read(r -> History.versions(r, l.pfs(), l.ino(), l.asOf()));
                out.print(arg + "\t" + Tid.hex(l.ino()) + " clean {" + System.lineSeparator());
                for (Version v : versions) {
                    out.print("    " + Tid.format(v.tid()) + " " + when(v.tsMicros()) + System.lineSeparator());
                    if (dump) {
                        out.println("        " + data(p, l, v.tid()));
                    }
                }
                out.println("}");
            }
        }
        out.flush();
        return 0;
    }

    /** The bytes at --offset as of {@code tid}, printable ASCII as is and the rest as \\xNN, quoted. */
    private String data(PfsPath p, Located l, long tid) {
        byte[] buf = new byte[length];
        int n;
        try {
            n = p.store().read(r -> new FsReader(r, l.pfs(), tid).read(l.ino(), offset, buf, 0, length));
        } catch (FsException e) {
            return "(" + e.getMessage() + ")";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < n; i++) {
            int c = buf[i] & 0xff;
            b.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.append('"').toString();
    }

    static String when(long micros) {
        return LocalTimes.history(Math.floorDiv(micros, 1_000_000L), java.util.TimeZone.getDefault());
    }
}
