package org.hammer.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.PfsMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer pfs-master}: creates a master PFS and its link (HAMMER.md §1.2). */
@Command(name = "pfs-master",
        description = {"Create a master PFS.",
            "Creates the PFS and its link DIRPATH in PFS #0, and prints its status block. Its shared-uuid is "
                    + "what slaves are paired with."})
final class PfsMasterCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;


    @Parameters(index = "0", paramLabel = "DIRPATH",
            description = "Path of the new PFS link; it must not exist and must lie in PFS #0. "
                    + "Missing parent directories are created. Its name cannot contain @@ (read as a TID).")
    private String path;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
            completionCandidates = PfsKeys.class,
            description = "pfs-update options to apply at creation, e.g. label=DATA.")
    private List<String> options = new ArrayList<>();

    @Override
    public Integer call() {
        return PfsCreation.create(spec.commandLine().getOut(), path, PfsMode.MASTER, options);
    }
}
