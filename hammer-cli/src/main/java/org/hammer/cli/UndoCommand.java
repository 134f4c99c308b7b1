package org.hammer.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.history.Contents;
import org.hammer.core.history.History;
import org.hammer.core.history.Located;
import org.hammer.core.history.Locator;
import org.hammer.core.history.Version;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code undo}: a file's content as of an older TID, also of a deleted file (HAMMER.md §1.10). */
@Command(name = "undo", description = {
    "Print or save a file's content as of an older TID: by default the version before the current one, "
            + "or, for a file that no longer exists, its last version."})
public final class UndoCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(names = "-a", description = "Every version: to OUT.<tid> files with -o, else to stdout with a header each.")
    private boolean all;

    @Option(names = "-o", paramLabel = "OUT", description = "Write to this file instead of stdout.")
    private Path outFile;

    @Option(names = "-t", paramLabel = "TID", description = "The version as of this TID (0x...).")
    private String tid;

    @Option(names = "-d", description = "Print a unified diff of the old version against the current one.")
    private boolean diff;

    @Parameters(paramLabel = "PATH", description = "The file; name@@0x<tid> or a deleted path also work.")
    private String path;

    @Override
    public Integer call() throws IOException {
        Locator.Arg a = Locator.Arg.parse(path);
        try (PfsPath p = PfsPath.resolve(a.base())) {
            Located l = Locator.locate(p, a);
            Store store = p.store();
            List<Long> tids = all ? allVersions(store, l) : List.of(chosen(store, l));
            if (diff) {
                diffs(store, l, tids);
            } else if (all && outFile != null) {
                for (long t : tids) {
                    try (OutputStream o = Files.newOutputStream(Path.of(outFile + "." + Tid.format(t)))) {
                        store.read(r -> Contents.copy(r, l.pfs(), l.ino(), t, o));
                    }
                }
            } else {
                try (OutputStream o = outFile != null ? Files.newOutputStream(outFile) : new Unclosed(System.out)) {
                    for (long t : tids) {
                        if (all) {
                            o.write(String.format(">>> %s %s%n", path, Tid.format(t)).getBytes(StandardCharsets.UTF_8));
                        }
                        store.read(r -> Contents.copy(r, l.pfs(), l.ino(), t, o));
                    }
                }
            }
        }
        return 0;
    }

    private List<Long> allVersions(Store store, Located l) {
        List<Long> out = new ArrayList<>();
        store.read(r -> History.versions(r, l.pfs(), l.ino(), l.asOf())).forEach(v -> out.add(v.tid()));
        return out;
    }

    /** -t, else the version before the current one, else (a deleted or as-of path) the one it names. */
    private long chosen(Store store, Located l) {
        if (tid != null) {
            return Tid.parseHex(tid);
        }
        if (!l.current()) {
            return l.asOf();
        }
        List<Version> v = store.read(r -> History.versions(r, l.pfs(), l.ino(), l.asOf()));
        if (v.size() < 2) {
            throw HammerException.notFound(path + ": no previous version");
        }
        return v.get(v.size() - 2).tid();
    }

    private void diffs(Store store, Located l, List<Long> tids) throws IOException {
        Path dir = Files.createTempDirectory("hammer-undo");
        try {
            Path now = dir.resolve("current");
            boolean exists = l.current() && store.read(r -> new org.hammer.core.fs.FsReader(r, l.pfs(), l.asOf())
                    .exists(l.ino()));
            if (exists) {
                write(store, l, l.asOf(), now);
            }
            StringBuilder text = new StringBuilder();
            for (long t : tids) {
                Path old = dir.resolve("old");
                write(store, l, t, old);
                text.append(Diff.unified(old, path + AsOfName.of("", t).format(), exists ? now : Path.of("/dev/null"), path));
            }
            if (outFile != null) {
                Files.writeString(outFile, text);
            } else {
                PrintWriter out = spec.commandLine().getOut();
                out.print(text);
                out.flush();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static void write(Store store, Located l, long t, Path to) throws IOException {
        try (OutputStream o = Files.newOutputStream(to)) {
            store.read(r -> Contents.copy(r, l.pfs(), l.ino(), t, o));
        }
    }

    /** Standard output, flushed but left open when the command closes its stream. */
    private static final class Unclosed extends java.io.FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Runs diff(1) -u; its exit status 1 only means the files differ. */
    static final class Diff {
        private Diff() {
        }

        static String unified(Path a, String labelA, Path b, String labelB) {
            try {
                Process p = org.hammer.core.transport.ChildProcesses.builder("diff", "-u", "--label", labelA, "--label", labelB, a.toString(),
                        b.toString()).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int rc = p.waitFor();
                if (rc > 1) {
                    throw HammerException.failure("diff: " + out.strip());
                }
                return out;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw HammerException.failure("diff: interrupted");
            }
        }
    }
}
