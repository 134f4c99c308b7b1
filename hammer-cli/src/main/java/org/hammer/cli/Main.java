package org.hammer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.util.Properties;
import org.hammer.core.HammerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The top-level {@code hammer} command: the only place that turns failures into exit codes
 * (DESIGN.md §7) and the only caller of {@link System#exit}.
 */
@Command(
        name = "hammer",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        exitCodeOnInvalidInput = Main.EXIT_USAGE,
        exitCodeOnExecutionException = Main.EXIT_INTERNAL,
        description = {
            "Manage HAMMER-style stores and pseudo-filesystems (PFSes), and mirror PFSes "
                    + "from masters to slaves."
        },
        subcommands = {
            NewfsCommand.class,
            InfoCommand.class,
            SynctidCommand.class,
            PfsMasterCommand.class,
            PfsSlaveCommand.class,
            PfsStatusCommand.class,
            PfsUpdateCommand.class,
            PfsUpgradeCommand.class,
            PfsDowngradeCommand.class,
            PfsDestroyCommand.class,
            MirrorReadCommand.class,
            MirrorWriteCommand.class,
            MirrorCopyCommand.class,
            MirrorDumpCommand.class,
            MirrorVerifyCommand.class,
            HistoryCommand.class,
            UndoCommand.class,
            SnapshotCommand.class,
            SnapCommand.class,
            SnaplsCommand.class,
            SnaprmCommand.class,
            PruneCommand.class,
            PruneEverythingCommand.class,
            CleanupCommand.class,
            ConfigCommand.class,
            ViconfigCommand.class,
            CpdupCommand.class,
            MirrorStreamCommand.class,
            MirrorReadStreamCommand.class,
            SshRemoteCommand.class,
            org.hammer.cli.fuse.MountCommand.class,
            org.hammer.cli.fuse.UmountCommand.class
        })
public final class Main implements Runnable {

    static final int EXIT_USAGE = 2;
    static final int EXIT_INTERNAL = 70;

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "Say more; repeat for more detail. Stack traces are printed only with -v.")
    private boolean[] verbose = new boolean[0];

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs {@code hammer args...} on the process's standard output and error; returns the exit code. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return run(out, err, args);
    }

    /** Runs {@code hammer args...} printing to the given writers; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            CommandLine cmd = commandLine(out, err);
            return cmd.execute(LeadingOptions.reorder(args, cmd.getSubcommands().keySet()));
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The configured command line, with handlers installed; tests may add subcommands to it. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return new CommandLine(new Main())
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new Failures());
    }

    /** How many times -v was given, on the top-level command or any subcommand. */
    static int verbosity(ParseResult result) {
        int count = 0;
        for (ParseResult level = result; level != null; level = level.subcommand()) {
            count += level.matchedOptionValue("-v", new boolean[0]).length;
        }
        return count;
    }

    /** Bad arguments: message and usage on stderr, exit 2. */
    private static final class UsageErrors implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("hammer: " + prefix(cmd) + ex.getMessage());
            UnmatchedArgumentException.printSuggestions(ex, err);
            cmd.usage(err, cmd.getColorScheme());
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
    }

    /** Failures of a command: one line on stderr, the exit code of its kind. */
    private static final class Failures implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult result) {
            PrintWriter err = cmd.getErr();
            int code;
            if (ex instanceof HammerException hammer) {
                err.println("hammer: " + prefix(cmd) + hammer.getMessage());
                code = hammer.kind().exitCode();
            } else {
                err.println("hammer: " + cmd.getCommandName() + ": internal error: " + ex);
                code = EXIT_INTERNAL;
            }
            if (verbosity(result) > 0) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        }
    }

    /** "name " for a subcommand, "" for hammer itself (whose name the "hammer:" prefix already gives). */
    private static String prefix(CommandLine cmd) {
        return cmd.getParent() == null ? "" : cmd.getCommandName() + " ";
    }

    /** The version baked into the jar at build time, and the JVM it runs on. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "hammer " + projectVersion(),
                "java ${java.version} (${java.vendor}) on ${os.name} ${os.arch}"
            };
        }

        static String projectVersion() {
            Properties properties = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in == null) {
                    return "unknown";
                }
                properties.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read hammer's version.properties", e);
            }
            return properties.getProperty("version", "unknown");
        }
    }
}
