package org.hammer.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The training run behind hammer's start-up archive (the launcher's {@code HAMMER_CDS=build}).
 * In one JVM, with the binding a short command uses, it makes a scratch store in a temporary
 * directory and runs the short commands on it (and hammer's own help, version and usage errors),
 * so that the JVM records the classes they load (a class list for a CDS archive on JDK 17, an AOT
 * cache on JDK 25). Then it copies hammer's native library (with LMDB) into
 * {@code NATIVE-DIR}, so that later runs load them from there instead of looking for them in the
 * jars. Not a hammer command: {@code java ... org.hammer.cli.StartupTraining NATIVE-DIR}. Prints
 * nothing unless a step fails (then one line per failure on stderr, exit 1).
 */
public final class StartupTraining {

    /** The file of hammer's usage help, beside NATIVE-DIR. */
    static final String HELP_FILE = "help.txt";


    private final List<String> failures = new ArrayList<>();
    private final PrintWriter sink = new PrintWriter(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);

    private StartupTraining() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StartupTraining NATIVE-DIR");
            System.exit(2);
        }
        PrintStream out = System.out;
        PrintStream err = System.err;
        StartupTraining t = new StartupTraining();
        Path scratch = Files.createTempDirectory("hammer-training");
        try {
            PrintStream none = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
            System.setOut(none);
            System.setErr(none);
            t.commands(scratch);
        } finally {
            System.setOut(out);
            System.setErr(err);
            delete(scratch);
        }
        t.keepNativeLibraries(Path.of(args[0]));
        // hammer --help as picocli renders it, for the launcher to pass on (Main.renderedHelp)
        try (InputStream in = new java.io.ByteArrayInputStream(
                Main.helpAsPicocliRendersIt().getBytes(StandardCharsets.UTF_8))) {
            place(in, Path.of(args[0]).resolveSibling(HELP_FILE));
        }
        for (String f : t.failures) {
            System.err.println("hammer start-up training: " + f);
        }
        System.exit(t.failures.isEmpty() ? 0 : 1);
    }

    private void commands(Path dir) throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree/sub"));
        Files.writeString(tree.resolve("a.txt"), "one\n");
        Files.writeString(dir.resolve("tree/b.txt"), "two\n");
        String master = dir.resolve("m/pfs/data").toString();
        String slave = dir.resolve("s/pfs/data").toString();
        String file = master + "/b.txt";

        StdStreams.handedOver("3@" + StdStreams.pid(), -1); // as main() starts: the classes, not the descriptor
        Main.loadProtobufMeanwhile("mirror-copy");
        run(0, "--version");
        run(0, "--help");
        run(2, "no-such-command");
        run(0, "pfs-status", "--help");
        run(2, "pfs-status", "--no-such-option");
        run(0, "newfs", "-L", "TRAIN", dir.resolve("m").toString());
        run(0, "newfs", dir.resolve("s").toString());
        run(0, "pfs-master", master);
        run(0, "cpdup", "-q", dir.resolve("tree").toString(), master);
        run(0, "mirror-copy", "-q", "-y", master, slave);
        Files.writeString(dir.resolve("tree/b.txt"), "three\n");
        run(0, "cpdup", "-q", dir.resolve("tree").toString(), master);
        run(0, "mirror-copy", "-q", master, slave);
        for (int i = 0; i < 2; i++) {
            run(0, "info", dir.resolve("m").toString());
            run(0, "pfs-status", master, slave);
            run(0, "synctid", master);
            run(0, "snapls", master);
            run(0, "history", file);
            run(0, "undo", "-a", file);
        }
        run(0, "snapshot", master, dir.resolve("snaps").toString());
        run(0, "snapls", master);
        run(4, "pfs-status", dir.resolve("none").toString());
    }

    private void run(int expected, String... args) {
        int code;
        try {
            code = Main.run(sink, sink, args);
        } catch (RuntimeException | LinkageError e) {
            failures.add(String.join(" ", args) + ": " + e);
            return;
        }
        if (code != expected) {
            failures.add(String.join(" ", args) + ": exit " + code + ", expected " + expected);
        }
    }

    /** Copies hammer's native libraries, as this process loaded them, into {@code dir}. */
    private void keepNativeLibraries(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path from = org.hammer.core.lmdb.Posix.nativeDirectory();
        if (!from.equals(dir.toAbsolutePath())) {
            for (String name : org.hammer.core.lmdb.Posix.nativeLibraries()) {
                try (InputStream in = Files.newInputStream(from.resolve(name))) {
                    place(in, dir.resolve(name));
                }
            }
        }
    }

    private static void place(InputStream in, Path to) throws IOException {
        Path tmp = to.resolveSibling(to.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
