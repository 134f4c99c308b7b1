package org.hammer.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that also runs without picocli. Modelling a command costs picocli ~100 ms of reflection
 * at every start (annotation proxies spun at run time, its converters, its help machinery): more
 * than the JVM's start and the command's own work together. When a short command is given plain
 * arguments only (no option but those {@link #plain} takes, no {@code @file}), {@link #run}
 * hands them to the command itself, which takes them exactly as picocli would or declines; any
 * other command line, help and usage errors included, goes to picocli as before.
 * {@code ShortCommandTest} holds each command's plain reading to picocli's on the same arguments.
 */
abstract class ShortCommand implements Callable<Integer> {
    /** The commands with a plain reading, by name. */
    static final Map<String, Supplier<ShortCommand>> PLAIN = Map.of(
            "pfs-status", PfsStatusCommand::new,
            "info", InfoCommand::new,
            "synctid", SynctidCommand::new,
            "snapls", SnaplsCommand::new,
            "history", HistoryCommand::new,
            "mirror-copy", MirrorCopyCommand::new);

    /** Set by picocli when it runs the command; null when the command runs from {@link #run}. */
    @Spec
    CommandSpec spec;
    private PrintWriter out;
    private PrintWriter err;

    /**
     * Takes {@code args} (what follows the command's name) as picocli would and returns true, or
     * returns false, having taken nothing, when they need picocli: an option it does not know, a
     * count of arguments picocli would refuse, anything that is not plainly a value.
     */
    abstract boolean plain(List<String> args);

    PrintWriter out() {
        return spec != null ? spec.commandLine().getOut() : out;
    }

    PrintWriter err() {
        return spec != null ? spec.commandLine().getErr() : err;
    }

    /** How many times -v was given (never, on the plain path). */
    int verbosity() {
        return spec != null ? Main.verbosity(spec.root().commandLine().getParseResult()) : 0;
    }

    /** Whether {@code a} is plainly a value: not an option, nor {@code --}, nor an {@code @file} picocli would expand. */
    static boolean value(String a) {
        return !a.isEmpty() && a.charAt(0) != '-' && a.charAt(0) != '@';
    }

    /**
     * Runs {@code args} when they name a command with a plain reading that takes them; returns
     * its exit code, or null when picocli must parse them.
     */
    static Integer run(String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 0) {
            return null;
        }
        Supplier<ShortCommand> make = PLAIN.get(args[0]);
        if (make == null) {
            return null;
        }
        ShortCommand c = make.get();
        if (!c.plain(List.of(args).subList(1, args.length))) {
            return null;
        }
        c.out = out;
        c.err = err;
        org.hammer.core.store.Store.beforeOpening(org.hammer.cli.fuse.MountFlush.BEFORE_OPENING);
        try {
            return c.call();
        } catch (Exception e) {
            return Failures.report(e, args[0], 0, err);
        }
    }
}
