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
import org.hammer.core.HammerException;
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
 * (DESIGN.md §7) and the only caller of {@link System#exit} among hammer's classes but for the two
 * build-time programs of the start-up archive ({@link StartupTraining}, {@link ClassFileUpgrade}).
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
            MaxSizeCommand.class,
            VersionCommand.class,
            VersionUpgradeCommand.class,
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

    /**
     * The name of each of {@link #COMMANDS}, in the same order, as its {@code @Command} gives it
     * (MainTest checks): finding the command named on the command line reads no annotation.
     */
    static final List<String> NAMES = List.of(
            "newfs", "info", "max-size", "version", "version-upgrade", "synctid", "pfs-master", "pfs-slave",
            "pfs-status", "pfs-update", "pfs-upgrade", "pfs-downgrade", "pfs-destroy", "mirror-read", "mirror-write",
            "mirror-copy", "mirror-dump", "mirror-verify", "mirror-prune", "scrub", "history", "undo", "snapshot",
            "snap", "snapls", "snaprm", "prune", "prune-everything", "cleanup", "config", "viconfig", "cpdup",
            "mirror-stream", "mirror-read-stream", "ssh-remote", "mount", "umount");

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
        loadProtobufMeanwhile(commandName(args));
        System.exit(run(args));
    }

    /** Commands that speak the mirror protocol (protobuf). */
    private static final java.util.Set<String> MIRRORING = java.util.Set.of("mirror-read", "mirror-write",
            "mirror-copy", "mirror-dump", "mirror-verify", "mirror-stream", "mirror-read-stream", "ssh-remote");

    /**
     * Readies protobuf on a second thread while this one opens the stores, for a command that
     * mirrors: the lite runtime's own start and each message's schema (reflection over its
     * fields) are otherwise met by the first frame. Class initialisation is the JVM's to order; a
     * failure here is met again where the mirror first uses protobuf.
     */
    static void loadProtobufMeanwhile(String command) {
        if (command == null || !MIRRORING.contains(command)) {
            return;
        }
        Thread t = new Thread(new ProtobufLoader(), "hammer-load-protobuf"); // a class: a lambda costs a start
        t.setDaemon(true);
        t.start();
    }

    private static final class ProtobufLoader implements Runnable {
        @Override
        public void run() {
            try {
                org.hammer.core.mirror.MessagePreload.run();
            } catch (LinkageError | RuntimeException e) {
                // met again, and reported, where the mirror uses it
            }
        }
    }

    /** The command {@code args} name (after hammer's own leading options), or null. */
    static String commandName(String... args) {
        Map<String, Class<?>> names = commandNames();
        return commandName(names, LeadingOptions.reorder(args, names.keySet()));
    }

    private static String commandName(Map<String, Class<?>> names, String[] reordered) {
        for (String a : reordered) {
            if (!a.startsWith("-")) {
                return names.containsKey(a) ? a : null;
            }
        }
        return null;
    }

    /** Runs {@code hammer args...} on the process's standard output and error; returns the exit code. */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        return run(out, err, args);
    }

    /** Runs {@code hammer args...} printing to the given writers; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, false, args);
    }

    /**
     * Runs {@code hammer args...}. Only the command named is modelled; when none is (hammer's own
     * help and version, a usage error before any command) the other commands are listed by name and
     * description without being modelled, unless {@code full}.
     */
    static int run(PrintWriter out, PrintWriter err, boolean full, String... args) {
        try {
            Map<String, Class<?>> names = commandNames();
            String[] reordered = LeadingOptions.reorder(args, names.keySet());
            String only = commandName(names, reordered);
            CommandLine cmd;
            String help;
            Integer quick = full || only == null ? null : ShortCommand.run(reordered, out, err);
            if (quick != null) {
                return quick;
            }
            if (only != null) {
                cmd = commandLine(out, err, List.of(names.get(only)));
            } else if (full) {
                cmd = commandLine(out, err, COMMANDS);
            } else if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
                for (String line : Version.lines()) { // the version alone: no model at all
                    out.println(line);
                }
                return 0;
            } else if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))
                    && (help = renderedHelp()) != null) {
                out.print(help); // as picocli renders it, made by the start-up training
                return 0;
            } else {
                cmd = listing(out, err);
            }
            return cmd.execute(reordered);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The system property that names the file of hammer's usage help as picocli renders it. */
    static final String HELP_PROPERTY = "hammer.help";

    /**
     * hammer's own usage help, as picocli renders it where there is no terminal (no colours, the
     * default width), from the file the start-up training wrote ({@link #HELP_PROPERTY}, passed by
     * the launcher): picocli's rendering costs a command ~150 ms. Null where picocli could render
     * it otherwise (a terminal, picocli's own settings) or the file cannot be read.
     */
    static String renderedHelp() {
        String file = System.getProperty(HELP_PROPERTY);
        if (file == null || System.console() != null) {
            return null;
        }
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("picocli.")) {
                return null;
            }
        }
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(file), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** hammer's usage help as picocli renders it, to a writer that is no terminal. */
    static String helpAsPicocliRendersIt() {
        java.io.StringWriter text = new java.io.StringWriter();
        PrintWriter w = new PrintWriter(text, true);
        listing(w, w).execute("--help");
        w.flush();
        return text.toString();
    }

    /** The full model of hammer and every command, for help, completion and the man page. */
    public static CommandLine model() {
        return commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true), COMMANDS);
    }

    /** Command name to class, in the order of {@link #COMMANDS}. */
    static Map<String, Class<?>> commandNames() {
        Map<String, Class<?>> names = new LinkedHashMap<>();
        for (int i = 0; i < COMMANDS.size(); i++) {
            names.put(NAMES.get(i), COMMANDS.get(i));
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
        return configure(cl, out, err);
    }

    private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        return cl
                .setOut(out)
                .setErr(err)
                .setParameterExceptionHandler(new UsageErrors())
                .setExecutionExceptionHandler(new Failures());
    }

    /**
     * hammer with each command present by its name, aliases and description only: what hammer's
     * usage help lists and what a mistyped command is compared with, without picocli reflecting
     * over every command's options (a large part of the start-up time).
     */
    private static CommandLine listing(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : COMMANDS) {
            Command a = c.getAnnotation(Command.class);
            CommandSpec sub = CommandSpec.create().name(a.name()).aliases(a.aliases());
            sub.usageMessage().description(a.description()).header(a.header()).hidden(a.hidden());
            cl.addSubcommand(a.name(), new CommandLine(sub));
        }
        return configure(cl, out, err);
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

        /** The lines of {@code hammer --version}, as picocli prints {@link #getVersion} (MainTest compares them). */
        static String[] lines() {
            return new String[] {
                "hammer " + projectVersion(),
                "java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ") on "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
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
