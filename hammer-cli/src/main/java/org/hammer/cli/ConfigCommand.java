package org.hammer.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.prune.CleanupConfig;
import org.hammer.core.prune.ConfigRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code config}: show or set a PFS's cleanup config (HAMMER.md §3.5). */
@Command(name = "config", description = {
    "Print the cleanup config of the PFS holding PATH (default: .), or replace it with the content of FILE "
            + "(- for standard input). The config is never mirrored: a slave keeps its own."})
public final class ConfigCommand implements Callable<Integer> {
    /** What config prints for a PFS without one, as hammer(8). */
    static final String NO_CONFIG = "# No configuration present, here are some defaults\n"
            + "# you can uncomment.  Also remove these instructions\n#\n";

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PATH", description = "A path in the PFS.")
    private String path = ".";

    @Parameters(index = "1", arity = "0..1", paramLabel = "FILE", description = "The new config.")
    private String file;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (PfsPath p = PfsPath.resolve(path)) {
            if (file == null) {
                out.print(shown(p.store().read(r -> ConfigRecord.read(r, p.pfs()))));
            } else {
                String text = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                        : Files.readString(Path.of(file));
                ConfigRecord.write(p.store(), p.pfs(), text);
            }
        }
        out.flush();
        return 0;
    }

    /** The stored text, or the commented-out defaults. */
    static String shown(String stored) {
        if (stored != null) {
            return stored;
        }
        StringBuilder b = new StringBuilder(NO_CONFIG);
        for (String line : CleanupConfig.DEFAULT_TEXT.split("\n")) {
            b.append(line.startsWith("#") ? line : "#" + line).append('\n');
        }
        return b.toString();
    }
}
