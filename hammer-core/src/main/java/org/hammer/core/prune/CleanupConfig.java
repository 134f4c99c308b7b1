package org.hammer.core.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.HammerException;

/**
 * A PFS's cleanup config, in hammer(8)'s text form: one directive per line,
 * {@code <name> <period> [<retention or run time>]}, durations as {@code N[smhd]}, {@code #}
 * comments. Only {@code snapshots} and {@code prune} do something here; {@code rebalance},
 * {@code dedup}, {@code reblock} and {@code recopy} are accepted for compatibility.
 */
public record CleanupConfig(String text, List<Directive> directives) {

    /** The config cleanup lays down on a PFS that has none (hammer(8)'s defaults). */
    public static final String DEFAULT_TEXT = """
            snapshots 1d 60d
            prune     1d 5m
            rebalance 1d 5m
            #dedup    1d 5m
            reblock   1d 5m
            recopy    30d 10m
            """;

    /** Known directive names. */
    public static final Set<String> NAMES = Set.of("snapshots", "prune", "rebalance", "dedup", "reblock", "recopy");

    private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd]?)");

    /** One line: a name, its period and its second argument, in seconds (-1 when absent). */
    public record Directive(String name, long periodSeconds, long argSeconds) {
    }

    public CleanupConfig {
        directives = List.copyOf(directives);
    }

    public static CleanupConfig defaults() {
        return parse(DEFAULT_TEXT);
    }

    /** Parses config text; a bad line is a usage error naming its number. */
    public static CleanupConfig parse(String text) {
        List<Directive> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            String[] f = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
            if (f.length == 1 && f[0].isEmpty()) {
                continue;
            }
            String where = "config line " + (i + 1) + ": ";
            if (!NAMES.contains(f[0])) {
                throw HammerException.usage(where + "unknown directive '" + f[0] + "'");
            }
            if (f.length < 2 || f.length > 3) {
                throw HammerException.usage(where + "expected '" + f[0] + " <period> [<time>]'");
            }
            out.add(new Directive(f[0], seconds(where, f[1]), f.length == 3 ? seconds(where, f[2]) : -1));
        }
        return new CleanupConfig(text, out);
    }

    static long seconds(String where, String s) {
        Matcher m = DURATION.matcher(s);
        if (!m.matches()) {
            throw HammerException.usage(where + "invalid duration '" + s + "' (use N, Ns, Nm, Nh or Nd)");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            case "d" -> n * 86400;
            default -> n;
        };
    }

    /** The directive named {@code name}, or null when the config has none (it is disabled). */
    public Directive directive(String name) {
        return directives.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
    }
}
