package org.hammer.cli;

import org.hammer.core.transport.Endpoint;
import picocli.CommandLine.Option;

/** How commands with {@code [user@]host:path} arguments reach the other host (hammer's -p). */
final class RemoteOptionsMixin {
    @Option(names = "-p", paramLabel = "PORT",
            description = "The ssh port of a remote side ([user@]host:path). The remote shell is ssh (giving up on "
                    + "a peer silent for a minute), or $HAMMER_RSH.")
    int port;

    /** The argument as a local path or a remote endpoint, with the -p port. */
    Endpoint endpoint(String arg) {
        return Endpoint.parse(arg).withPort(port);
    }
}
