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

/** {@code hammer pfs-upgrade}: makes a slave a master (HAMMER.md §1.5, §2.4). */
@Command(name = "pfs-upgrade",
        description = {"Make a slave PFS a master.",
            "Anything a mirror laid down after the slave's sync-end-tid (a partly applied batch) is rolled "
                    + "back first. Only one master of a shared-uuid should take writes at a time."})
final class PfsUpgradeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;


    @Parameters(paramLabel = "DIRPATH", description = "A path in the slave PFS, usually its link.")
    private String path;

    @Override
    public Integer call() {
        try (PfsPath p = PfsTarget.existing(path)) {
            PfsConfig c = Pfses.upgrade(p.store(), p.pfs());
            spec.commandLine().getOut().printf("pfs-upgrade of %s succeeded%n", PfsTarget.named(c));
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        return 0;
    }
}
