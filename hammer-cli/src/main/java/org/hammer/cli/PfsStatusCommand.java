package org.hammer.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hammer pfs-status}: prints the status block of PFSes (HAMMER.md §1.3). */
@Command(name = "pfs-status",
        description = {"Print the status of PFSes.",
            "Prints the status block of the PFS each DIRPATH lies in: its sync TIDs, uuids, label, snapshots "
                    + "directory, prune-min and mode. For a slave, also the resume cursor of an interrupted "
                    + "mirror and how far it lags behind its master when the master is in the same store or a "
                    + "mounted one."})
final class PfsStatusCommand extends ShortCommand {

    @picocli.CommandLine.Mixin
    S3OptionsMixin s3;

    @Parameters(arity = "0..*", paramLabel = "DIRPATH",
            description = "Paths in the PFSes to report on, or chains s3://BUCKET/PREFIX (their objects, TIDs, "
                    + "sizes and dates). Default: the current directory.")
    private List<String> paths = new ArrayList<>();

    @Override
    boolean plain(List<String> args) {
        for (String a : args) {
            if (!value(a) || org.hammer.s3.S3Url.is(a)) {
                return false;
            }
        }
        s3 = new S3OptionsMixin();
        paths = new ArrayList<>(args);
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        for (String path : paths.isEmpty() ? List.of(".") : paths) {
            if (org.hammer.s3.S3Url.is(path)) {
                S3Commands.status(path, s3, out);
                continue;
            }
            try (PfsPath p = PfsTarget.existing(path)) {
                PfsConfig c = p.config();
                StringBuilder b = new StringBuilder();
                b.append(path).append("\tPFS#").append(c.id()).append(" {\n");
                b.append(PfsTarget.block(p.store(), c.id()));
                if (c.isSlave()) {
                    if (c.cursor() != null) {
                        b.append("    resume-cursor=").append(Tid.format(c.cursor().tid())).append('\n');
                    }
                    b.append("    ").append(SlaveLag.describe(p.store(), c)).append('\n');
                }
                b.append("}\n");
                out.print(b);
                out.flush();
            } catch (HammerException e) {
                throw Failure.about(path, e);
            }
        }
        return 0;
    }
}
