package org.hammer.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-verify}: checks that a slave equals its source as of the slave's sync point. */
@Command(name = "mirror-verify", description = {
    "Compare the slave DST, as of its sync-end-tid, with SRC as of the same TID: every path, type, mode, "
            + "owner, link count, mtime, content and extended attribute. Prints the differences and exits 1 "
            + "when there are any."})
final class MirrorVerifyCommand implements Callable<Integer> {
    private static final int SHOWN = 20;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SRC", description = "The source PFS (master or slave).")
    String src;

    @Parameters(index = "1", paramLabel = "DST", description = "The slave PFS, or a chain s3://BUCKET/PREFIX[@@0x<tid>] "
            + "(restored into a scratch store under $TMPDIR or $HAMMER_S3_SCRATCH and compared).")
    String dst;

    @picocli.CommandLine.Mixin
    S3OptionsMixin s3;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (org.hammer.s3.S3Url.is(dst)) {
            return S3Commands.verify(src, dst, s3, out);
        }
        try (PfsPath s = PfsPath.resolve(src); PfsPath d = PfsPath.resolve(dst)) {
            PfsConfig dc = d.config();
            long at = d.historical() ? d.asOf() : dc.syncEndTid();
            if (!dc.isSlave() && !d.historical()) {
                throw HammerException.refused(dst + ": not a slave; give DST@@0x<tid> to compare a master");
            }
            long srcEnd = s.store().read(r -> PfsTable.syncEndTid(r, PfsTable.get(r, s.pfs())));
            if (Long.compareUnsigned(srcEnd, at) < 0) {
                throw HammerException.refused(src + ": at " + Tid.format(srcEnd) + ", behind " + dst + " at "
                        + Tid.format(at));
            }
            Map<String, String> want = s.store().read(r -> TreeDigest.of(new FsReader(r, s.pfs(), at)));
            Map<String, String> got = d.store().read(r -> TreeDigest.of(new FsReader(r, d.pfs(), at)));
            TreeSet<String> paths = new TreeSet<>(want.keySet());
            paths.addAll(got.keySet());
            int differ = 0;
            for (String p : paths) {
                String w = want.get(p);
                String g = got.get(p);
                if (w == null || !w.equals(g)) {
                    if (differ++ < SHOWN) {
                        out.println(p + ":\n    " + src + ": " + (w == null ? "missing" : w) + "\n    " + dst + ": "
                                + (g == null ? "missing" : g));
                    }
                }
            }
            if (differ > 0) {
                throw HammerException.failure(dst + ": " + differ + " of " + paths.size() + " paths differ from "
                        + src + " as of " + Tid.format(at));
            }
            out.println(dst + " equals " + src + " as of " + Tid.format(at) + ": " + paths.size() + " paths");
        }
        return 0;
    }
}
