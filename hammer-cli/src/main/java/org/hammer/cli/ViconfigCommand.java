package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.prune.ConfigRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code viconfig}: edit a PFS's cleanup config with $EDITOR (HAMMER.md §3.5). */
@Command(name = "viconfig", description = {
    "Edit the cleanup config of the PFS holding PATH (default: .) with $EDITOR (default vi) "
            + "and store it when it changed and parses."})
public final class ViconfigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "PATH", description = "A path in the PFS.")
    private String path = ".";

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path tmp = Files.createTempFile("hammer-config", ".txt");
        try {
            String before;
            try (PfsPath p = PfsPath.resolve(path)) {
                before = ConfigCommand.shown(p.store().read(r -> ConfigRecord.read(r, p.pfs())));
            }
            Files.writeString(tmp, before);
            String editor = System.getenv().getOrDefault("EDITOR", "vi");
            int rc = org.hammer.core.transport.ChildProcesses.builder("sh", "-c", editor + " \"$1\"", "sh", tmp.toString()).inheritIO().start()
                    .waitFor();
            if (rc != 0) {
                throw HammerException.failure(editor + ": exited with status " + rc + "; config unchanged");
            }
            String after = Files.readString(tmp);
            if (after.equals(before)) {
                out.println("viconfig: no changes");
            } else {
                try (PfsPath p = PfsPath.resolve(path)) {
                    ConfigRecord.write(p.store(), p.pfs(), after);
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.flush();
        return 0;
    }
}
