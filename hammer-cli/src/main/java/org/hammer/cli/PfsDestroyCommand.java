package org.hammer.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code hammer pfs-destroy}: removes a PFS, all its data and its link, after asking (HAMMER.md §1.6). */
@Command(name = "pfs-destroy",
        description = {"Destroy a PFS and all its data.",
            "Removes every record of the PFS whose link or mount point DIRPATH is, its configuration and its "
                    + "link in PFS #0. Asks twice for a master, once for a slave, on the terminal."})
final class PfsDestroyCommand implements Callable<Integer> {

    private static final Set<String> YES = Set.of("y", "yes", "Y", "YES");

    /** The link of a PFS in PFS #0: {@code name} in directory {@code dir}. */
    private record Link(long dir, String name) {
    }

    @Spec
    private CommandSpec spec;


    @Option(names = "-y", description = "Destroy without asking (unlike hammer(8), which always asks).")
    private boolean yes;

    @Option(names = "-d", hidden = true, description = "Accepted for hammer(8) scripts, where it skips a 5-second countdown; "
            + "there is none here.")
    private boolean noCountdown;

    @Parameters(paramLabel = "DIRPATH", description = "The PFS's link (or a mount point of the PFS).")
    private String path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try {
            Link link = findLink();
            try (PfsPath p = PfsTarget.existing(path)) {
                if (!p.isPfsRoot()) {
                    throw HammerException.refused("not the link or mount point of a PFS; give the PFS's link");
                }
                PfsConfig c = p.config();
                if (c.id() == 0) {
                    throw HammerException.refused("You cannot destroy PFS#0");
                }
                confirm(out, c);
                out.printf("Destroying %s%n", PfsTarget.named(c));
                out.flush();
                Pfses.destroy(p.store(), c.id(), link == null ? 0 : link.dir(), link == null ? null : link.name());
                out.printf("pfs-destroy of PFS#%d succeeded!%n", c.id());
                if (link == null) {
                    spec.commandLine().getErr().printf("hammer: pfs-destroy %s: warning: this path is not the PFS's "
                            + "link; remove its link (-> %s) by hand%n", path, Pfses.linkText(c.id()));
                }
            }
        } catch (HammerException e) {
            throw Failure.about(path, e);
        }
        return 0;
    }

    /** The PFS link {@code path} names in PFS #0, or null (a mount point, an {@code @@} name). */
    private Link findLink() {
        Path abs = Path.of(path).toAbsolutePath().normalize();
        if (abs.getParent() == null || abs.getFileName() == null) {
            return null;
        }
        String name = abs.getFileName().toString();
        try (PfsPath parent = PfsPath.resolve(abs.getParent().toString())) {
            if (!parent.exists() || parent.pfs() != 0 || parent.historical()) {
                return null;
            }
            return parent.store().read(r -> {
                FsReader fs = new FsReader(r, 0, Tid.MAX);
                long ino = fs.find(parent.ino(), name);
                if (ino == 0) {
                    return null;
                }
                Inode i = fs.getattr(ino);
                return i.isSymlink() && AsOfName.linkedPfs(fs.readlink(ino)) >= 0 ? new Link(parent.ino(), name) : null;
            });
        } catch (HammerException e) {
            return null;
        }
    }

    /** hammer(8)'s questions; a "no" or no terminal refuses. */
    private void confirm(PrintWriter out, PfsConfig c) {
        if (yes) {
            return;
        }
        Console console = terminal();
        if (console == null) {
            throw HammerException.refused("no terminal to confirm on; use -y to destroy PFS#" + c.id()
                    + " without asking");
        }
        out.flush();
        console.printf("You have requested that %s be destroyed%n"
                + "This will irrevocably destroy all data on this PFS!!!!!%n", PfsTarget.named(c));
        boolean agreed = YES.contains(answer(console, "Do you really want to do this? "));
        if (agreed && !c.isSlave()) {
            console.printf("This PFS is currently setup as a MASTER!%n");
            agreed = YES.contains(answer(console, "Are you absolutely sure you want to destroy it? "));
        }
        if (!agreed) {
            throw HammerException.failure("No action taken on PFS#" + c.id());
        }
    }

    private static String answer(Console console, String prompt) {
        String line = console.readLine("%s", prompt);
        return line == null ? "" : line.trim();
    }

    /** The console if it is an interactive terminal (JDK 22+ may give one for redirected streams). */
    private static Console terminal() {
        Console console = System.console();
        if (console == null) {
            return null;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return Boolean.TRUE.equals(isTerminal.invoke(console)) ? console : null;
        } catch (ReflectiveOperationException e) {
            return console; // before JDK 22, System.console() is null unless interactive
        }
    }
}
