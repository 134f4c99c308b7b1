package org.hammer.core.transport;

import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;

/**
 * The remote shell that runs {@code hammer} on another host: {@code ssh} ({@link #SSH}), or the
 * words of {@code $HAMMER_RSH} (split on spaces, as HAMMER runs it rsh-style). The remote program
 * is the bare {@code hammer}, found on the remote PATH (HAMMER.md §4.8).
 */
public record RemoteShell(List<String> words) {
    public static final String ENV = "HAMMER_RSH";
    public static final String REMOTE_PROGRAM = "hammer";

    public RemoteShell {
        words = List.copyOf(words);
        if (words.isEmpty()) {
            throw HammerException.usage(ENV + " is empty: expected a command such as 'ssh -F config'");
        }
    }

    /** {@code $HAMMER_RSH} when set and not blank, else {@link #SSH}. */
    public static RemoteShell fromEnvironment() {
        return of(System.getenv(ENV));
    }

    /**
     * The default remote shell: ssh that gives up on a peer silent for about a minute (four
     * unanswered keep-alive requests 15 s apart). Without them a link that hangs without closing
     * (a dead router, a suspended host) holds a mirror-stream for the hours TCP takes to notice,
     * where it should log the lost link and reconnect.
     */
    public static final List<String> SSH =
            List.of("ssh", "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4");

    /** The given command line split on spaces, or {@link #SSH} when it is null or blank. */
    public static RemoteShell of(String rsh) {
        if (rsh == null || rsh.isBlank()) {
            return new RemoteShell(SSH);
        }
        return new RemoteShell(List.of(rsh.trim().split("\\s+")));
    }

    /** The argv that runs {@code hammer args...} at {@code e}: {@code ssh [-p port] [user@]host 'hammer' args}. */
    public List<String> command(Endpoint e, List<String> hammerArgs) {
        List<String> argv = new ArrayList<>(words);
        if (e.port() != 0) {
            argv.add("-p");
            argv.add(Integer.toString(e.port()));
        }
        argv.add(e.destination());
        List<String> remote = new ArrayList<>();
        remote.add(REMOTE_PROGRAM);
        remote.addAll(hammerArgs);
        argv.add(ShellWords.join(remote));
        return argv;
    }
}
