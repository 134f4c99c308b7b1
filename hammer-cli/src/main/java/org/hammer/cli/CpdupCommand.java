package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.cpdup.Cpdup;
import org.hammer.core.cpdup.CpdupStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer cpdup SRC DST}: copies a tree into a PFS, or a PFS (as of any TID) out to a directory. */
@Command(
        name = "cpdup",
        sortOptions = false,
        description = {
            "Copy the tree SRC to DST, one of them a local directory and the other a path in a PFS "
                    + "(in a store directory, such as STORE/pfs/test, or in a mount), as DragonFly's cpdup(1).",
            "Modes, owners, nanosecond mtimes, symlinks, hard links within the tree, fifos, device nodes "
                    + "and user.* extended attributes are kept. Missing directories above DST are created.",
            "A later run copies only the files whose size or mtime differ, and removes from DST what is "
                    + "gone from SRC. A PFS source may name an older state: STORE/pfs/test@@0x<tid>.",
            "Each file is copied whole or not at all: it appears under its name, replacing the earlier "
                    + "version, only once all of it is written (and, in a PFS, committed), so a failure or a "
                    + "kill never leaves part of a file. An object that cannot be copied (a source file that "
                    + "changed while being read, a name or attribute the destination refuses) is named on "
                    + "stderr and the copy goes on, ending with exit code 1; a failure of the store itself "
                    + "(full, I/O) stops the copy, saying which file failed and what was committed before it.",
            "One of SRC and DST must be in a store or a mount (exit code 4 otherwise). A slave PFS or an "
                    + "older state cannot be written to (exit code 3).",
            "When standard error is a terminal, a progress line (objects checked and copied, bytes, rate) is "
                    + "redrawn on it, unless -q; -v lists each path copied or removed."
        })
final class CpdupCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress line and no summary line.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC", description = "The tree to copy: a local path or a PFS path.")
    private String src;

    @Parameters(index = "1", paramLabel = "DST", description = "Where the copy goes: a PFS path or a local path.")
    private String dst;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = Main.verbosity(spec.root().commandLine().getParseResult()) > 0;
        ProgressLine line = ProgressLine.of(err, quiet);
        CpdupStats stats;
        try {
            stats = Cpdup.copy(src, dst, verbose ? path -> {
                line.clear();
                out.println(path);
                out.flush();
            } : null, failure -> {
                line.clear();
                out.flush();
                err.println("hammer: cpdup " + failure);
                err.flush();
            }, p -> line.show(() -> progressText(p)));
        } finally {
            line.clear();
        }
        if (!quiet) {
            out.println(stats.summary());
        }
        out.flush();
        if (stats.failed() > 0) {
            throw HammerException.failure(String.format("%s: %d of %d objects could not be copied (each named above);"
                    + " the rest was copied", src, stats.failed(), stats.checked()));
        }
        return 0;
    }

    /**
     * {@code cpdup: 81234 checked, 5120 copied (1.2 GiB), 3 removed, 45.3 MB/s}: no share or ETA, as
     * neither side knows the size of the tree before the walk has seen it.
     */
    static String progressText(CpdupStats p) {
        double secs = Math.max(p.seconds(), 1e-3);
        return String.format("cpdup: %d checked, %d copied (%s), %d removed, %.1f MB/s", p.checked(), p.copied(),
                InfoCommand.human(p.bytes()), p.removed(), p.bytes() / secs / 1e6);
    }
}
