package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.scrub.ScrubTarget;
import org.hammer.core.store.FormatUpgrade;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hammer version-upgrade}: moves a store to a newer format, in place. */
@Command(name = "version-upgrade",
        description = {"Upgrade a store to a newer format version, in place; no process may have it open.",
            "To format 3, records' data of more than 1 KiB moves out of their values into the blocks table, "
                    + "so that a removal or an overwrite no longer writes the data it drops again. Every checksum "
                    + "of the store is checked first, and a store with any damage is not upgraded (exit 5); each "
                    + "record's data is checked again as it moves. It moves in commits of 16 MiB, smaller on a store "
                    + "near its size limit or its disk's end; with no room for the next block it stops (exit 1). "
                    + "Stopped or interrupted, the store is whole and readable in the format its header says, and "
                    + "version-upgrade run again goes on where it stopped. History, TIDs and mirroring are unchanged: slaves and masters of "
                    + "either format mirror to each other. To format 4 (from 3), nothing moves and no record "
                    + "changes: regular files made from then on keep a count of their stored blocks in their "
                    + "inodes, so that st_blocks (du, stat) needs no walk over a large file's blocks; files made "
                    + "before are walked as before. From 2, both steps run in one. A slave in a store of an older "
                    + "format holds such inodes without the count. A format is never lowered. 'force' is accepted for "
                    + "compatibility; no format here is a work in progress.",
            "When standard error is a terminal, the bytes moved so far are shown on it; -v prints a line at each "
                    + "commit instead."})
final class VersionUpgradeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PATH", description = "A store directory, or a PFS of it (STORE/pfs/x).")
    private String path;

    @Parameters(index = "1", paramLabel = "VERSION", description = "The format to upgrade to.")
    private int version;

    @Parameters(index = "2", arity = "0..1", paramLabel = "force", description = "Accepted and ignored.")
    private String force;

    @Override
    public Integer call() {
        if (force != null && !force.equals("force")) {
            throw new ParameterException(spec.commandLine(), "expected PATH VERSION [force], got '" + force + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean verbose = Main.verbosity(spec.root().commandLine().getParseResult()) > 0;
        ProgressLine line = ProgressLine.of(err, verbose);
        FormatUpgrade u;
        try {
            u = Store.upgradeFormat(ScrubTarget.resolve(path).storeDir(), version, moved -> {
                if (verbose) {
                    err.println("version-upgrade " + path + ": committed, " + InfoCommand.human(moved) + " moved");
                    err.flush();
                } else {
                    line.show(() -> "moved " + InfoCommand.human(moved));
                }
            });
        } catch (HammerException e) {
            throw Failure.about(path, e);
        } finally {
            line.clear();
        }
        out.println("hammer version-upgrade: succeeded");
        if (u.from() == u.to() && u.records() == 0) {
            out.printf("%s: already format %d%n", path, u.to());
        } else if (u.records() == 0) {
            out.printf("%s: format %d (was %d); nothing moved%s%n", path, u.to(), u.from(),
                    u.to() >= StoreHeader.COUNTED_INODES ? ": files made from now on count their blocks in their inodes" : "");
        } else {
            out.printf("%s: format %d%s; the data of %d record%s (%s) moved into the blocks table%s%n", path, u.to(),
                    u.from() == u.to() ? "" : " (was " + u.from() + ")", u.records(), u.records() == 1 ? "" : "s",
                    InfoCommand.human(u.bytes()), u.from() == u.to() ? " (the rest of an upgrade that stopped)" : "");
        }
        out.flush();
        return 0;
    }
}
