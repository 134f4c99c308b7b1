package org.hammer.core.transport;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;

/**
 * One side of a mirror: a local path, or a path on another host reached with ssh
 * ({@code [user@]host:path}, HAMMER.md §1.9). {@code host} is null for a local path; {@code port}
 * 0 means ssh's default.
 */
public record Endpoint(String user, String host, int port, String path) {

    /**
     * {@code [user@]host:path}; a host is a DNS name, an IPv4 address or a bracketed IPv6 address.
     * Compiled only when an argument may be remote: most name a local path, and a command's start
     * is measured in milliseconds.
     */
    private static final class Remote {
        static final Pattern PATTERN =
                Pattern.compile("(?:([^@/:\\s]+)@)?(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9_][A-Za-z0-9._-]*):(.*)", Pattern.DOTALL);
    }

    public Endpoint {
        if (path == null || path.isEmpty()) {
            throw HammerException.usage((host == null ? "" : host + ":") + ": the path is missing");
        }
        if (port < 0 || port > 65535) {
            throw HammerException.usage("-p " + port + ": not a TCP port");
        }
        if (host == null && (user != null || port != 0)) {
            throw new IllegalArgumentException("a local endpoint has no user or port: " + user + ", " + port);
        }
        if (host != null && (host.isEmpty() || host.startsWith("-"))) {
            throw HammerException.usage("'" + host + "': not a host name");
        }
    }

    public static Endpoint local(String path) {
        return new Endpoint(null, null, 0, path);
    }

    /**
     * Parses a command-line argument. It is remote when it has the form {@code [user@]host:path}
     * and is not a local path: an argument starting with {@code /} or {@code ./}, one that exists
     * here, or one with a {@code /} before its first {@code :} stays local (as scp decides).
     */
    public static Endpoint parse(String arg) {
        if (arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("../") || arg.indexOf(':') < 0
                || existsLocally(arg)) {
            return local(arg);
        }
        Matcher m = Remote.PATTERN.matcher(arg);
        if (!m.matches()) {
            return local(arg);
        }
        String host = m.group(2);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        if (m.group(3).isEmpty()) {
            throw HammerException.usage(arg + ": the remote path is missing (expected [user@]host:path)");
        }
        return new Endpoint(m.group(1), host, 0, m.group(3));
    }

    private static boolean existsLocally(String arg) {
        try {
            return Files.exists(Path.of(arg), LinkOption.NOFOLLOW_LINKS);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    public boolean remote() {
        return host != null;
    }

    /** The same endpoint reached on another ssh port (0: ssh's default); a local endpoint is unchanged. */
    public Endpoint withPort(int p) {
        return remote() ? new Endpoint(user, host, p, path) : this;
    }

    /** The destination as ssh takes it: {@code user@host} or {@code host}. */
    public String destination() {
        if (!remote()) {
            throw new IllegalStateException("local endpoint " + path + " has no ssh destination");
        }
        return user == null ? host : user + "@" + host;
    }

    @Override
    public String toString() {
        if (!remote()) {
            return path;
        }
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return (user == null ? "" : user + "@") + h + ":" + path;
    }
}
