package org.hammer.cli;

import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer pfs-downgrade}: makes a master a slave (HAMMER.md §1.5, §2.4). */
@Command(name = "pfs-downgrade",
        description = {"Make a master PFS a slave.",
            "The PFS is frozen at its newest TID: it takes no more local writes and can then receive mirror "
                    + "streams of the same shared-uuid."})
final class PfsDowngradeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;


    @Parameters(paramLabel = "DIRPATH", description = "A path in the master PFS, usually its link.")
    private String path;

    @Override
    public Integer call() {
        try (PfsPath p = PfsTarget.existing(path)) {
            PfsConfig c = Pfses.downgrade(p.store(), p.pfs());
            spec.commandLine().getOut().printf("pfs-downgrade of %s succeeded%n", PfsTarget.named(c));
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        return 0;
    }
}
