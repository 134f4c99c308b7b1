package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
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
            "A slave PFS or an older state cannot be written to (exit code 3)."
        })
final class CpdupCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print no summary line.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "SRC", description = "The tree to copy: a local path or a PFS path.")
    private String src;

    @Parameters(index = "1", paramLabel = "DST", description = "Where the copy goes: a PFS path or a local path.")
    private String dst;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        boolean verbose = Main.verbosity(spec.root().commandLine().getParseResult()) > 0;
        CpdupStats stats = Cpdup.copy(src, dst, verbose ? out::println : null);
        if (!quiet) {
            out.println(stats.summary());
        }
        out.flush();
        return 0;
    }
}
