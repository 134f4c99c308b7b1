package org.hammer.cli;

import org.hammer.core.transport.Endpoint;
import org.hammer.core.transport.RemoteShell;
import picocli.CommandLine.Option;

/** How commands with {@code [user@]host:path} arguments reach the other host (hammer's -p). */
final class RemoteOptionsMixin {
    @Option(names = "-p", paramLabel = "PORT",
            description = "The ssh port of a remote side ([user@]host:path). The remote shell is ssh (giving up on "
                    + "a peer silent for a minute), or $HAMMER_RSH.")
    int port;

    @Option(names = "-X", description = "Compress the ssh connection (adds -C to the remote shell's command line, "
            + "as hammer(8)'s -X); -z compresses the stream itself, which also works through HAMMER_RSH.")
    boolean sshCompression;

    /** The remote shell: $HAMMER_RSH or ssh, with -C after it for -X. */
    RemoteShell shell() {
        RemoteShell rsh = RemoteShell.fromEnvironment();
        if (!sshCompression) {
            return rsh;
        }
        java.util.List<String> words = new java.util.ArrayList<>(rsh.words());
        words.add(1, "-C");
        return new RemoteShell(words);
    }

    /** The argument as a local path or a remote endpoint, with the -p port. */
    Endpoint endpoint(String arg) {
        return Endpoint.parse(arg).withPort(port);
    }
}
