package org.hammer.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.PfsUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer pfs-update}: changes fields of a PFS record (HAMMER.md §1.4). */
@Command(name = "pfs-update",
        description = {"Change the configuration of a PFS.",
            "Changes the PFS that DIRPATH lies in, then prints its status block. Every option is checked "
                    + "before anything is changed."})
final class PfsUpdateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;


    @Parameters(index = "0", paramLabel = "DIRPATH", description = "A path in the PFS to change, usually its link.")
    private String path;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
            completionCandidates = PfsKeys.class,
            description = {"Fields to set, applied in order: sync-beg-tid=HEX, sync-end-tid=HEX, "
                    + "shared-uuid=UUID, unique-uuid=UUID, label=STRING (64 bytes at most, quotes stripped), "
                    + "snapshots=/ABSOLUTE/PATH (shorter than 64 bytes), snapshots-clear, "
                    + "prune-min=Nd or [Nd/]hh[:mm[:ss]].",
                "Changing shared-uuid of a slave that already holds data can corrupt it; the nil uuid "
                        + "(00000000-0000-0000-0000-000000000000) is refused. A slave's sync-end-tid set beyond "
                        + "its master's makes mirror-copy refuse it until it is set back."})
    private List<String> options = new ArrayList<>();

    @Override
    public Integer call() {
        try {
            PfsUpdate update = PfsUpdate.parse(options);
            try (PfsPath p = PfsTarget.existing(path)) {
                int id = p.pfs();
                p.store().apply(w -> {
                    PfsTable.put(w, update.applyTo(PfsTable.get(w, id)));
                    return null;
                });
                PrintWriter out = spec.commandLine().getOut();
                out.println(path);
                out.print(PfsTarget.block(p.store(), id));
                out.flush();
            }
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        return 0;
    }
}
