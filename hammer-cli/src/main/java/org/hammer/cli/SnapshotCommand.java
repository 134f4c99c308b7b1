package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.snapshot.Snapshot;
import org.hammer.core.snapshot.Snapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code snapshot}: take a snapshot and link it into a directory (HAMMER.md §3.4). */
@Command(name = "snapshot", description = {
    "Take a snapshot of the PFS at PATH (or the one holding DIR) and create a link to it: "
            + "DIR/snap-%%Y%%m%%d-%%H%%M when DIR is a directory, else the link named by the strftime format FMT. "
            + "The link points at <pfs>/@@0x<tid>. Prints the link's path."})
public final class SnapshotCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "[PATH] DIR|FMT [NOTE]", arity = "1..3",
            description = "The PFS (optional), where the link goes, and a note of at most 64 bytes.")
    private List<String> args;

    @Override
    public Integer call() throws IOException {
        String fs = args.size() >= 2 ? args.get(0) : null;
        String where = args.size() >= 2 ? args.get(1) : args.get(0);
        String note = args.size() == 3 ? args.get(2) : "";
        ZonedDateTime now = ZonedDateTime.now(ZoneId.systemDefault());
        String target;
        try (PfsPath p = PfsPath.resolve(fs != null ? fs : Strftime.format(where, now))) {
            target = take(p, note);
        }
        String link = SnapshotLinks.create(where, target, now);
        PrintWriter out = spec.commandLine().getOut();
        out.println(link);
        out.flush();
        return 0;
    }

    /** Takes the snapshot; returns the link text for it. */
    static String take(PfsPath p, String note) {
        if (p.historical()) {
            throw HammerException.refused(p.arg() + ": names an older state; give the PFS itself");
        }
        Snapshot s = Snapshots.take(p.store(), p.pfs(), note);
        return SnapshotLinks.target(p, s.tid());
    }

    static ZonedDateTime local(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L)).atZone(ZoneId.systemDefault());
    }
}
