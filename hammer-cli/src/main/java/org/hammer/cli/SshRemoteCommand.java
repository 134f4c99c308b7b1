package org.hammer.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ssh-remote}: the forced command of an authorized_keys entry that may only run some
 * hammer commands on some paths (HAMMER.md §1.9), e.g.
 * {@code command="hammer ssh-remote mirror-read,mirror-write /Backup2" ssh-ed25519 AAAA...}.
 */
@Command(name = "ssh-remote", description = {
    "Run the hammer command an ssh client asked for ($SSH_ORIGINAL_COMMAND) if it is one of COMMANDS and "
            + "every path it names lies under TARGETDIR; refuse it otherwise (exit 3). Meant as the forced "
            + "command of an authorized_keys entry: command=\"hammer ssh-remote mirror-read,mirror-write "
            + "/Backup2\" ssh-ed25519 AAAA... A path with a '..' component, or one that leaves TARGETDIR "
            + "through a symbolic link, is refused. TARGETDIR may lie inside a store that is not mounted. "
            + "'hammer --version' is always answered: a harmless probe that the host is reachable."})
final class SshRemoteCommand implements Callable<Integer> {
    static final String ENV = "SSH_ORIGINAL_COMMAND";

    @Parameters(index = "0", paramLabel = "COMMANDS",
            description = "The commands allowed, comma-separated, e.g. mirror-read,mirror-read-stream,mirror-write.")
    String commands;

    @Parameters(index = "1", paramLabel = "TARGETDIR",
            description = "The absolute directory every path of the request must lie under.")
    String targetDir;

    @Override
    public Integer call() {
        Set<String> allowed = new LinkedHashSet<>(Arrays.asList(commands.split(",")));
        allowed.removeIf(String::isBlank);
        if (allowed.isEmpty()) {
            throw HammerException.usage(commands + ": no command allowed");
        }
        List<String> args = new RemoteRequest(allowed, targetDir, SshRemoteCommand::parser)
                .check(System.getenv(ENV));
        return Main.run(args.toArray(String[]::new));
    }

    /** A parser of hammer command lines that prints nothing. */
    private static CommandLine parser() {
        PrintWriter silent = new PrintWriter(Writer.nullWriter());
        return Main.commandLine(silent, silent);
    }
}
