package org.hammer.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hammer.core.HammerException;
import org.hammer.core.transport.ShellWords;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The checks of {@code ssh-remote} on a requested command line: it must run hammer, one of the
 * allowed commands, and name only paths under the target directory. Every refusal is REFUSED.
 */
final class RemoteRequest {
    private final Set<String> allowed;
    private final String prefix;
    private final Supplier<CommandLine> parser;

    RemoteRequest(Set<String> allowed, String targetDir, Supplier<CommandLine> parser) {
        if (!targetDir.startsWith("/")) {
            throw HammerException.usage(targetDir + ": TARGETDIR must be an absolute path");
        }
        this.allowed = allowed;
        this.prefix = targetDir.length() > 1 && targetDir.endsWith("/")
                ? targetDir.replaceAll("/+$", "") : targetDir;
        this.parser = parser;
    }

    /** The arguments to run (the request without its program name), or a refusal. */
    List<String> check(String original) {
        if (original == null || original.isBlank()) {
            throw HammerException.refused(SshRemoteCommand.ENV + " is not set: ssh-remote runs only as the forced "
                    + "command of an authorized_keys entry");
        }
        List<String> words;
        try {
            words = ShellWords.split(original);
        } catch (HammerException e) {
            throw HammerException.refused("request does not parse: " + e.getMessage());
        }
        if (words.isEmpty() || !words.get(0).contains("hammer")) {
            throw HammerException.refused("'" + (words.isEmpty() ? "" : words.get(0))
                    + "': request does not match restricted command (not a hammer command)");
        }
        List<String> args = new ArrayList<>(words.subList(1, words.size()));
        ParseResult top;
        try {
            CommandLine cl = parser.get();
            top = cl.parseArgs(LeadingOptions.reorder(args.toArray(String[]::new), cl.getSubcommands().keySet()));
        } catch (CommandLine.ParameterException e) {
            throw HammerException.refused("request does not match restricted command: " + e.getMessage());
        }
        ParseResult sub = top.subcommand();
        if (args.equals(List.of("--version"))) {
            // The reachability probe of a cron job (ssh host hammer --version): reads nothing.
            return args;
        }
        String name = sub == null ? "(none)" : sub.commandSpec().name();
        if (sub == null || sub.subcommand() != null || !allowed.contains(name) || top.isUsageHelpRequested()
                || top.isVersionHelpRequested()) {
            throw HammerException.refused(name + ": request does not match restricted command (allowed: "
                    + String.join(",", allowed) + ")");
        }
        List<String> positionals = new ArrayList<>();
        for (var p : sub.matchedPositionals()) {
            positionals.addAll(p.stringValues());
        }
        for (int i = 0; i < positionals.size(); i++) {
            String v = positionals.get(i);
            if (i == 0 || v.contains("/")) {
                checkPath(v);
            }
        }
        for (OptionSpec o : sub.matchedOptions()) {
            Class<?> type = o.typeInfo().getType();
            if (type == Path.class || type == File.class) {
                o.stringValues().forEach(this::checkPath);
            }
        }
        return args;
    }

    /** Refuses '..' components and paths outside the prefix, also through symbolic links. */
    private void checkPath(String path) {
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                throw HammerException.refused(path + ": '..' not allowed");
            }
        }
        String p = path.replaceAll("/+", "/");
        boolean under = prefix.equals("/") ? p.startsWith("/") : p.equals(prefix) || p.startsWith(prefix + "/");
        if (!under || !realUnder(p)) {
            throw HammerException.refused(path + ": restricted target (not under " + prefix + ")");
        }
    }

    /**
     * {@code p}, resolved as far as it exists, still lies under the prefix resolved the same way.
     * Either may go on inside a store that is not mounted ({@code /Backup/pfs} in the store
     * {@code /Backup}), where the rest is a path in the store, not in the filesystem.
     */
    private boolean realUnder(String p) {
        Path realPrefix = resolved(Path.of(prefix));
        Path real = resolved(Path.of(p));
        return realPrefix != null && real != null && real.startsWith(realPrefix);
    }

    /** The deepest existing ancestor of {@code p} with its links resolved, and the rest of {@code p}; null if none. */
    private static Path resolved(Path p) {
        try {
            Path probe = p;
            while (probe != null && !Files.exists(probe, LinkOption.NOFOLLOW_LINKS)) {
                probe = probe.getParent();
            }
            if (probe == null) {
                return null;
            }
            return probe.toRealPath().resolve(probe.relativize(p)).normalize();
        } catch (IOException | InvalidPathException e) {
            return null;
        }
    }
}
