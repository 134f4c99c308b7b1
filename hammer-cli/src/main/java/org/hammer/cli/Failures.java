package org.hammer.cli;

import java.io.PrintWriter;
import org.hammer.core.HammerException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Failures of a command: one line on stderr, {@code hammer: <command> <object>: <what failed>},
 * and the exit code of its kind (DESIGN.md §7); the stack trace only with -v.
 */
final class Failures implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult result) {
        return report(ex, cmd.getParent() == null ? null : cmd.getCommandName(), Main.verbosity(result), cmd.getErr());
    }

    /**
     * Reports {@code ex}, a failure of command {@code name} (null: hammer itself), on {@code err};
     * returns the exit code.
     */
    static int report(Exception ex, String name, int verbosity, PrintWriter err) {
        int code;
        if (ex instanceof HammerException hammer) {
            err.println("hammer: " + prefix(name, hammer.getMessage()) + hammer.getMessage());
            code = hammer.kind().exitCode();
        } else {
            err.println("hammer: " + (name == null ? "hammer" : name) + ": internal error: " + ex);
            code = Main.EXIT_INTERNAL;
        }
        if (verbosity > 0) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /**
     * "name " for a subcommand, "" for hammer itself (whose name the "hammer:" prefix already
     * gives) and for a message that already starts with the command's name.
     */
    static String prefix(CommandLine cmd, String message) {
        return prefix(cmd.getParent() == null ? null : cmd.getCommandName(), message);
    }

    static String prefix(String name, String message) {
        if (name == null) {
            return "";
        }
        if (message != null && (message.startsWith(name + ":") || message.startsWith(name + " "))) {
            return "";
        }
        return name + " ";
    }
}
