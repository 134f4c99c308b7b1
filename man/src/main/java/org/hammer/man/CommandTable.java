package org.hammer.man;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The README's table of commands, generated from the picocli model of {@link Main} as the man page
 * is: one row per command with its synopsis and the first paragraph of its description, between
 * the markers {@link #BEGIN} and {@link #END}. {@code main README.md} rewrites that part of the file.
 */
public final class CommandTable {
    static final String BEGIN = "<!-- commands: generated from the CLI model by man/CommandTable; do not edit -->";
    static final String END = "<!-- end of commands -->";

    private CommandTable() {
    }

    /** Argument: the README to update in place. */
    public static void main(String[] args) throws IOException {
        Path readme = Path.of(args[0]);
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        Files.writeString(readme, replace(text, markdown(Main.model().getCommandSpec())), StandardCharsets.UTF_8);
    }

    /** {@code text} with the part between the markers (which must be there) replaced by {@code table}. */
    static String replace(String text, String table) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("the README has no " + BEGIN + " ... " + END + " section");
        }
        return text.substring(0, b + BEGIN.length()) + "\n" + table + text.substring(e);
    }

    /** The part of {@code text} between the markers, as {@link #replace} writes it. */
    static String section(String text) {
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        return b < 0 || e < b ? "" : text.substring(b + BEGIN.length() + 1, e);
    }

    /** The markdown table of the commands of {@code hammer}. */
    static String markdown(CommandSpec hammer) {
        StringBuilder b = new StringBuilder("| command | what it does |\n|---|---|\n");
        for (CommandLine sub : hammer.subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden()) {
                continue;
            }
            String[] description = spec.usageMessage().description();
            String what = description.length == 0 ? "" : description[0];
            b.append("| `").append(synopsis(spec)).append("` | ").append(what.replace("|", "\\|")
                    .replace("%%", "%")).append(" |\n");
        }
        return b.toString();
    }

    /** {@code name [-x] [-y LABEL] PARAM [OPTIONAL] MANY...}: the options of the command itself, then its parameters. */
    static String synopsis(CommandSpec spec) {
        StringBuilder b = new StringBuilder(spec.name());
        for (OptionSpec o : spec.options()) {
            if (o.hidden() || o.usageHelp() || o.versionHelp() || o.inherited() || o.scopeType()
                    == CommandLine.ScopeType.INHERIT) {
                continue;
            }
            b.append(" [").append(o.shortestName());
            if (o.arity().max() > 0 && !o.type().equals(boolean.class) && !o.type().equals(boolean[].class)) {
                b.append(' ').append(o.paramLabel());
            }
            b.append(']');
        }
        for (PositionalParamSpec p : spec.positionalParameters()) {
            if (p.hidden()) {
                continue;
            }
            String label = p.paramLabel() + (p.arity().max() > 1 ? "..." : "");
            b.append(' ').append(p.arity().min() == 0 ? "[" + label + "]" : label);
        }
        return b.toString().replace("|", "\\|");
    }
}
