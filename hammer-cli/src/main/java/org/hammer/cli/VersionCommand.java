package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.scrub.ScrubTarget;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer version}: the store format a store has, and the formats this hammer reads and makes. */
@Command(name = "version",
        description = {"Show the format version of a store.",
            "Prints 'min=<oldest read> wip=none max=<newest made> current=<the store's> description=\"...\"' and, "
                    + "unless -q, each format this hammer reads with what it is. A store of an older format is "
                    + "read and written as it is; version-upgrade moves it to the newest."})
final class VersionCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print only the first line.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "PATH",
            description = "A store directory, or a PFS or path in one (STORE/pfs/x, a mounted path).")
    private String path;

    @Override
    public Integer call() {
        int current;
        try {
            current = Store.header(ScrubTarget.resolve(path).storeDir()).formatVersion();
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("min=%d wip=none max=%d current=%d description=\"%s\"%n", StoreHeader.OLDEST_FORMAT,
                StoreHeader.FORMAT_VERSION, current, StoreHeader.describe(current));
        if (!quiet) {
            out.println("available versions:");
            for (int v = StoreHeader.OLDEST_FORMAT; v <= StoreHeader.FORMAT_VERSION; v++) {
                out.printf("    %d\tNORM\t%s%n", v, StoreHeader.describe(v));
            }
        }
        out.flush();
        return 0;
    }
}
