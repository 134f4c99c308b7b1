package org.hammer.cli;

import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hammer synctid}: makes the store durable and prints the PFS's sync-end-tid (HAMMER.md §1.10). */
@Command(name = "synctid",
        description = {"Make the store durable and print a PFS's sync-end-tid.",
            "Prints the sync-end-tid of the PFS that PATH lies in, as 0x and 16 hex digits: a master's newest "
                    + "committed TID, a slave's sync point. It does not create a snapshot; the TID stays usable "
                    + "for as-of access for the PFS's prune-min window."})
final class SynctidCommand extends ShortCommand {

    @Parameters(index = "0", paramLabel = "PATH", description = "A path in the PFS.")
    private String path;

    @Parameters(index = "1", arity = "0..1", paramLabel = "quick",
            description = "Accepted for compatibility with hammer(8); one flush is all a store needs.")
    private String quick;

    @Override
    boolean plain(java.util.List<String> args) {
        if (args.isEmpty() || args.size() > 2 || !args.stream().allMatch(ShortCommand::value)) {
            return false;
        }
        path = args.get(0);
        quick = args.size() > 1 ? args.get(1) : null;
        return true;
    }

    @Override
    public Integer call() {
        if (quick != null && !quick.equals("quick")) {
            throw HammerException.usage(path + ": unexpected argument '" + quick + "', expected 'quick' or nothing");
        }
        try (PfsPath p = PfsTarget.existing(path)) {
            p.store().sync();
            long tid = p.store().read(r -> {
                PfsConfig c = PfsTable.get(r, p.pfs());
                return PfsTable.syncEndTid(r, c);
            });
            out().println(Tid.format(tid));
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        return 0;
    }
}
