package org.hammer.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.scrub.Finding;
import org.hammer.core.scrub.Scrub;
import org.hammer.core.scrub.ScrubListener;
import org.hammer.core.scrub.ScrubProgress;
import org.hammer.core.scrub.ScrubResult;
import org.hammer.core.scrub.ScrubTarget;
import org.hammer.core.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer scrub}: checks every checksum of a store and the consistency of its PFSes (as zpool scrub). */
@Command(name = "scrub",
        description = {"Check every checksum of a store and the consistency of its PFSes.",
            "For a store directory (or the mount point of a store's PFS #0), reads every record, change-index "
                    + "entry and meta entry of the store and checks their checksums, the order of the keys and the "
                    + "change index against the records in both directions; then cross-checks each PFS: its PFS "
                    + "record decodes, PFS links in PFS #0 name existing PFSes, its lineage is ordered and ends by "
                    + "its sync-end-tid, sync-beg-tid is not after sync-end-tid, no record carries a TID newer than "
                    + "the store's, and a slave's resume cursor lies after its sync point. Any other PATH "
                    + "(STORE/pfs/x, a mounted PFS, a file in one) checks that PFS's records and change entries, "
                    + "and the store-wide meta entries.",
            "Each damaged object is printed as found, on one line: 'damaged PFS#<id> obj <object> <type> key "
                    + "<key> tid <create-tid> path <path>: <what>' for a record (path unknown when no name can be "
                    + "derived; a name since deleted ends in @@<tid>), 'damaged PFS#<id>: <what>' for a PFS as a "
                    + "whole, 'damaged store: <what>' for the store's own structures. Then the counts, the bytes "
                    + "read, the time and the rate. Exits 5 when anything is damaged, after reporting all it "
                    + "could, and when the store cannot be opened. Only reads: the store is never changed.",
            "When standard error is a terminal, a progress line (bytes and entries read, rate, time left) is "
                    + "redrawn on it; -v also lists each PFS as it is checked."})
final class ScrubCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print only the damaged objects: no progress, counts or verdict.")
    private boolean quiet;

    @Parameters(arity = "1..*", paramLabel = "PATH",
            description = "A store directory, a PFS (STORE/pfs/x, a mounted path), or a path inside a PFS.")
    private List<String> paths = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int verbose = Main.verbosity(spec.root().commandLine().getParseResult());
        ProgressLine line = ProgressLine.of(err, quiet);
        int code = 0;
        for (String arg : paths) {
            try {
                code = Math.max(code, scrub(arg, out, err, line, verbose));
            } catch (HammerException e) {
                line.clear();
                HammerException f = Failure.about(arg, e);
                err.println("hammer: scrub " + f.getMessage());
                if (verbose > 0) {
                    e.printStackTrace(err);
                }
                err.flush();
                code = Math.max(code, f.kind().exitCode());
            }
        }
        return code;
    }

    private int scrub(String arg, PrintWriter out, PrintWriter err, ProgressLine line, int verbose) {
        ScrubTarget t = ScrubTarget.resolve(arg);
        try (Store store = Store.open(t.storeDir())) {
            if (t.note() != null) {
                err.println("hammer: scrub " + t.note());
                err.flush();
            }
            ScrubResult r = Scrub.run(store, t.pfs(), t.root(), listener(out, line, verbose));
            line.clear();
            if (!quiet) {
                out.println(r.summary("scrub " + arg));
            }
            if (r.clean()) {
                if (!quiet) {
                    out.println("scrub " + arg + ": no damage found");
                }
                out.flush();
                return 0;
            }
            out.flush();
            err.println("hammer: scrub " + arg + ": store damaged: " + r.damaged() + " damaged object"
                    + (r.damaged() == 1 ? "" : "s") + " found");
            err.flush();
            return HammerException.Kind.CORRUPT.exitCode();
        } finally {
            line.clear();
        }
    }

    private ScrubListener listener(PrintWriter out, ProgressLine line, int verbose) {
        return new ScrubListener() {
            @Override
            public void damaged(Finding f) {
                line.clear();
                out.println(f.line());
                out.flush();
            }

            @Override
            public void progress(ScrubProgress p) {
                line.show(() -> progressText(p));
            }

            @Override
            public void checking(PfsConfig c, String path) {
                if (verbose > 0) {
                    line.clear();
                    out.println("checking PFS#" + c.id() + " " + c.mode() + " " + path);
                    out.flush();
                }
            }
        };
    }

    /**
     * {@code scrub: 45% 512.0 MiB of 1.1 GiB, 8123 entries, 1950.3 MB/s, ETA 0:01}; without a total
     * (one PFS), no share and no ETA.
     */
    static String progressText(ScrubProgress p) {
        StringBuilder b = new StringBuilder("scrub: ");
        if (p.fraction() >= 0) {
            b.append(String.format("%.0f%% ", p.fraction() * 100)).append(InfoCommand.human(p.bytes())).append(" of ")
                    .append(InfoCommand.human(p.totalBytes()));
        } else {
            b.append(InfoCommand.human(p.bytes()));
        }
        b.append(", ").append(p.entries()).append(" entries, ")
                .append(String.format("%.1f MB/s", p.bytesPerSecond() / 1e6));
        long eta = p.etaSeconds();
        if (eta >= 0 && p.bytes() > 0) {
            b.append(", ETA ").append(ProgressLine.duration(eta));
        }
        return b.toString();
    }
}
