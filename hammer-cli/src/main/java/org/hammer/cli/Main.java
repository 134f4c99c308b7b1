package org.hammer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStreamWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

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
        })
public final class Main implements Runnable {

    /**
     * Every command, in the order help lists them. Only the one named on the command line is
     * modelled for a run (picocli reflects over each command it is given, which costs start-up
     * time); help, usage errors, completion and the man page get them all.
     */
    static final List<Class<?>> COMMANDS = List.of(
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
            MirrorPruneCommand.class,
            ScrubCommand.class,
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
            org.hammer.cli.fuse.UmountCommand.class);

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
        StdStreams.adopt();
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
            Map<String, Class<?>> names = commandNames();
            String[] reordered = LeadingOptions.reorder(args, names.keySet());
            Class<?> only = null;
            for (String a : reordered) {
                if (!a.startsWith("-")) {
                    only = names.get(a);
                    break;
                }
            }
            CommandLine cmd = commandLine(out, err, only == null ? COMMANDS : List.of(only));
            return cmd.execute(reordered);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The full model of hammer and every command, for help, completion and the man page. */
    public static CommandLine model() {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true), COMMANDS);
    }

    /** Command name to class, read from each command's annotation (without modelling it). */
    static Map<String, Class<?>> commandNames() {
        Map<String, Class<?>> names = new LinkedHashMap<>();
        for (Class<?> c : COMMANDS) {
            names.put(c.getAnnotation(Command.class).name(), c);
        }
        return names;
    }

    /** The configured command line with every command; tests may add subcommands to it. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, COMMANDS);
    }

    private static CommandLine commandLine(PrintWriter out, PrintWriter err, List<Class<?>> commands) {
        org.hammer.core.store.Store.beforeOpening(org.hammer.cli.fuse.MountFlush.BEFORE_OPENING);
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : commands) {
            CommandLine sub = new CommandLine(c);
            sub.getCommandSpec().addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
            cl.addSubcommand(sub);
        }
        return cl
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
