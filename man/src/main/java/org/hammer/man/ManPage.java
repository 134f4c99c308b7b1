package org.hammer.man;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hammer.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes {@code hammer.8} (troff, man(7) macros) and {@code hammer_completion} (bash) from the
 * picocli model of {@link Main}, so the documentation cannot drift from the commands.
 */
public final class ManPage {

    /** The exit codes of DESIGN.md §7, mapped in {@code Main}. */
    private static final String[][] EXIT_CODES = {
        {"0", "success"},
        {"1", "failure"},
        {"2", "usage error: bad options or arguments"},
        {"3", "refused: wrong PFS mode, shared UUID mismatch, divergence"},
        {"4", "not found: no such store, PFS, path or TID"},
        {"5", "corrupt input: a damaged store record or mirror stream"},
        {"70", "internal error (a bug); rerun with \\-v for a stack trace"},
    };

    /** Command lines and what they do, for EXAMPLES. */
    private static final String[][] EXAMPLES = {
        {"hammer newfs /srv/h1 && hammer pfs-master /srv/h1/pfs/data",
            "Make a store and a master PFS in it."},
        {"hammer mount /srv/h1 /mnt/h1", "Show PFS #0 of the store, with the PFS links under /mnt/h1/pfs."},
        {"hammer pfs-slave /srv/h2/pfs/copy shared-uuid=$(hammer pfs-status /srv/h1/pfs/data | sed -n "
            + "'s/.*shared-uuid=//p')", "Make a slave paired with the master."},
        {"hammer mirror-copy /srv/h1/pfs/data backup@offsite:/srv/h2/pfs/copy",
            "Bring the slave up to date over ssh; a rerun sends only what changed."},
        {"hammer -i 5 mirror-stream /srv/h1/pfs/data /srv/h2/pfs/copy",
            "Keep it up to date continuously, until SIGTERM."},
        {"hammer snapshot /mnt/h1 /mnt/h1/snaps", "Take a snapshot and link it into /mnt/h1/snaps."},
        {"hammer cpdup /srv/h1/pfs/data@@0x0000000100000abc /tmp/restore",
            "Copy the PFS out as it was at a TID."},
        {"hammer help mirror-copy", "Describe one command (as hammer mirror-copy --help)."},
    };

    /** The environment variables hammer and its launcher read, for ENVIRONMENT. */
    private static final String[][] ENVIRONMENT = {
        {"HAMMER_RSH", "The remote shell for [user@]host:path arguments, word-split (default: ssh giving up on a "
            + "peer silent for a minute)."},
        {"HAMMER_RUN_DIR", "Where the mount table, the mount daemons' pid and log files and a JVM's fatal error "
            + "report go (default /run/hammer)."},
        {"HAMMER_FUSE", "libfuse serves mounts through libfuse2, as -o backend=libfuse does, instead of on the "
            + "FUSE kernel protocol (/dev/fuse) itself, the default (kernel)."},
        {"HAMMER_JAVA_OPTS", "Extra JVM options, word-split and given last; one that sizes the heap replaces the "
            + "launcher's own sizes."},
        {"HAMMER_CDS", "0 turns off the class-data-sharing archive that shortens start-up."},
        {"HAMMER_MOUNT_JAVA_OPTS", "Extra JVM options for mount daemons alone; one that sizes the heap replaces "
            + "the daemon's own bound of 96 MiB."},
        {"HAMMER_LMDB_DIRECT", "How commits write the blocks of large files: 1 past the page cache (O_DIRECT), "
            + "0 through it. Unset, commands write them past it and mount daemons, whose commits are small, "
            + "through it."},
        {"JAVA_HOME", "The JDK to run (else java on the PATH)."},
    };

    /** The files hammer uses, for FILES. */
    private static final String[][] FILES = {
        {"STORE/hammer-store", "The store header: label, fs uuid and format version."},
        {"STORE/data.mdb, STORE/lock.mdb", "The LMDB environment holding the records, the change index and the "
            + "metadata of every PFS."},
        {"$HAMMER_RUN_DIR/mounts", "The mount table: mount point, store directory and PFS id of each mount."},
        {"$HAMMER_RUN_DIR/mount-*.log", "The log of each mount daemon."},
        {"/etc/hammer/mount/*.conf, /etc/hammer/mirror/*.conf",
            "The configuration of the hammer-mount@ and hammer-mirror-stream@ systemd units."},
    };

    private ManPage() {
    }

    /** Arguments: output directory, overview file, version, date (yyyy-MM-dd). */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: ManPage OUTDIR OVERVIEW VERSION DATE");
        }
        Path outDir = Files.createDirectories(Path.of(args[0]));
        String overview = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        CommandLine hammer = Main.model();
        Files.writeString(outDir.resolve("hammer.8"),
                render(hammer.getCommandSpec(), overview, args[2], args[3]), StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("hammer_completion"), Completion.bash(hammer), StandardCharsets.UTF_8);
    }

    /** The whole man page for {@code spec}. */
    public static String render(CommandSpec spec, String overview, String version, String date) {
        Troff t = new Troff();
        t.macro("TH", "HAMMER", "8", date, "hammer " + version, "System Manager's Manual");
        t.macro("SH", "NAME");
        t.text(spec.name() + " - " + firstSentence(spec));
        t.macro("SH", "SYNOPSIS");
        synopsis(t, spec);
        for (CommandLine sub : spec.subcommands().values()) {
            synopsis(t, sub.getCommandSpec());
        }
        t.macro("SH", "DESCRIPTION");
        for (String line : spec.usageMessage().description()) {
            t.paragraph(line);
        }
        for (String paragraph : overview.strip().split("\\R\\s*\\R")) {
            t.paragraph(paragraph.replaceAll("\\s*\\R\\s*", " "));
        }
        t.macro("SH", "OPTIONS");
        arguments(t, spec);
        if (!spec.subcommands().isEmpty()) {
            t.macro("SH", "COMMANDS");
            commands(t, spec);
        }
        t.macro("SH", "EXAMPLES");
        for (String[] example : EXAMPLES) {
            t.macro("TP");
            t.raw(".B " + Troff.escape(example[0]));
            t.text(example[1]);
        }
        list(t, "ENVIRONMENT", ENVIRONMENT);
        list(t, "FILES", FILES);
        t.macro("SH", "EXIT STATUS");
        for (String[] code : EXIT_CODES) {
            t.macro("TP");
            t.bold(code[0]);
            t.raw(code[1]);
        }
        t.macro("SH", "DIAGNOSTICS");
        t.text("Errors are printed on standard error as");
        t.raw(".RS\n.B hammer: \\fIcommand object\\fB: \\fIwhat failed\\fR[: \\fIcause\\fR]\n.RE");
        t.text("naming the path, PFS or TID concerned. Stack traces are printed only with -v.");
        t.macro("SH", "SEE ALSO");
        t.raw(".BR cpdup (1);\n.BR hammer (5)\nand\n.BR hammer (8)\nof DragonFly BSD");
        return t.toString();
    }

    private static void list(Troff t, String section, String[][] items) {
        t.macro("SH", section);
        for (String[] item : items) {
            t.macro("TP");
            t.bold(item[0]);
            t.text(item[1]);
        }
    }

    private static void synopsis(Troff t, CommandSpec spec) {
        String line = new Help(spec, Help.defaultColorScheme(Help.Ansi.OFF)).synopsis(0).strip();
        t.raw(".HP 4\n.B " + Troff.escape(spec.qualifiedName()));
        t.text(line.substring(Math.min(line.length(), spec.qualifiedName().length())).strip());
        t.macro("br");
    }

    private static void commands(Troff t, CommandSpec parent) {
        for (CommandLine sub : parent.subcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.usageMessage().hidden()) {
                continue;
            }
            t.macro("SS", spec.qualifiedName().substring(parent.root().name().length()).strip());
            for (String line : spec.usageMessage().description()) {
                t.paragraph(line);
            }
            arguments(t, spec);
            commands(t, spec);
        }
    }

    private static void arguments(Troff t, CommandSpec spec) {
        for (PositionalParamSpec param : spec.positionalParameters()) {
            if (!param.hidden()) {
                item(t, param.paramLabel(), param);
            }
        }
        for (OptionSpec option : spec.options()) {
            if (option.hidden() || (option.inherited() && spec.parent() != null)) {
                continue;
            }
            String label = String.join(", ", option.names());
            if (option.arity().max() > 0 && !option.type().equals(boolean.class)
                    && !option.type().equals(boolean[].class)) {
                label += " " + option.paramLabel();
            }
            item(t, label, option);
        }
    }

    private static void item(Troff t, String label, ArgSpec arg) {
        t.macro("TP");
        t.bold(label);
        List<String> lines = new ArrayList<>(List.of(arg.description()));
        t.text(String.join(" ", lines).replace("${DEFAULT-VALUE}", String.valueOf(arg.defaultValue())));
    }

    private static String firstSentence(CommandSpec spec) {
        String[] description = spec.usageMessage().description();
        if (description.length == 0) {
            return "HAMMER-style pseudo-filesystems and mirroring";
        }
        String first = description[0];
        int dot = first.indexOf(". ");
        return dot < 0 ? first.replaceAll("\\.$", "") : first.substring(0, dot);
    }
}
