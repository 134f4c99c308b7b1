package org.hammer.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Bad arguments, exit 2: at most a screen on stderr, never the whole usage. The error, the
 * commands a mistyped one resembles, the synopsis of the one command concerned, and where its
 * help is:
 * <pre>
 * hammer: mirror-copy: Unknown option: '-k'
 * usage: hammer mirror-copy [-2hqyzv] ... SRC DST
 * see hammer mirror-copy --help
 * </pre>
 */
final class UsageErrors implements IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        boolean top = cmd.getParent() == null;
        List<String> unmatched = ex instanceof UnmatchedArgumentException u ? u.getUnmatched() : List.of();
        if (top && !unmatched.isEmpty() && !unmatched.get(0).startsWith("-")) {
            err.println("hammer: unknown command '" + unmatched.get(0) + "'");
        } else {
            err.println("hammer: " + Failures.prefix(cmd, ex.getMessage()) + ex.getMessage());
        }
        UnmatchedArgumentException.printSuggestions(ex, err);
        if (top) {
            err.println("usage: hammer [-hVv] COMMAND [ARGS...]");
            err.println("see hammer --help for the commands, hammer help COMMAND for one");
        } else {
            String synopsis = new Help(cmd.getCommandSpec(), Help.defaultColorScheme(Help.Ansi.OFF))
                    .synopsis(0).strip().replaceAll("\\s*\\R\\s*", " ");
            err.println("usage: " + synopsis);
            err.println("see hammer " + cmd.getCommandName() + " --help");
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
