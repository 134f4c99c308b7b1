package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real ./hammer launcher against the packaged jar. */
class LauncherIT {

    @TempDir
    Path tmp;

    private final CliRunner hammer = CliRunner.create();

    @Test
    void versionRunsThroughTheLauncher() {
        CliResult result = hammer.run("--version");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).startsWith("hammer 0.1.0");
        assertThat(result.stderr()).as(result.toString()).isEmpty();
    }

    @Test
    void badArgumentsExitWithUsageCode() {
        CliResult result = hammer.run("no-such-command".getBytes(StandardCharsets.UTF_8), "no-such-command");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("hammer: unknown command 'no-such-command'\n")
                .contains("usage: hammer [-hVv] COMMAND");
        assertThat(result.stdout()).isEmpty();
    }

    @Test
    void aMissingNativeLibraryIsOneLineAndAFailureNotACrash() {
        CliRunner broken = hammer.withWorkDir(tmp);
        assertThat(broken.run("newfs", "s").exitCode()).isZero();
        CliResult r = broken.withEnv("HAMMER_CDS", "0")
                .withEnv("HAMMER_JAVA_OPTS", "-Dhammer.native.dir=" + tmp.resolve("nowhere")).run("info", "s");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.stderr().strip()).doesNotContain("\n").doesNotContain("\tat ")
                .contains("hammer's native library could not be loaded", "nowhere/libhammer-native.so");
    }

    @Test
    void aSmallerHeapInHammerJavaOptsAloneIsEnough() {
        CliRunner small = hammer.withWorkDir(tmp).withEnv("HAMMER_JAVA_OPTS", "-Xmx64m");

        CliResult version = small.run("--version");
        CliResult newfs = small.run("newfs", "s");
        CliResult info = small.run("info", "s");

        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.stderr()).as(version.toString()).isEmpty();
        assertThat(newfs.exitCode()).as(newfs.toString()).isZero();
        assertThat(info.exitCode()).as(info.toString()).isZero();
    }

    /**
     * A JVM fatal error (here forced by aborting on the usage error's exception) reports on
     * stderr, never on stdout, which may be carrying a mirror stream, and leaves its hs_err file
     * in the run directory rather than in the user's working directory.
     */
    @Test
    void aJvmFatalErrorReportsOnStderrAndLeavesNoFileInTheWorkingDirectory() throws IOException {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path run = Files.createDirectories(tmp.resolve("run"));
        CliRunner crashing = hammer.withWorkDir(work).withEnv("HAMMER_RUN_DIR", run.toString())
                .withEnv("HAMMER_CDS", "0")
                .withEnv("HAMMER_JAVA_OPTS", "-XX:+UnlockDiagnosticVMOptions -XX:-CreateCoredumpOnCrash"
                        + " -XX:AbortVMOnException=picocli.CommandLine$UnmatchedArgumentException");

        CliResult result = crashing.run("no-such-command");

        assertThat(result.exitCode()).as(result.toString()).isNotIn(0, 2);
        assertThat(result.stdout()).as(result.toString()).isEmpty();
        assertThat(result.stderr()).as(result.toString()).contains("A fatal error has been detected");
        assertThat(list(work)).as("files left in the working directory").isEmpty();
        assertThat(list(run)).as("the error report").anyMatch(n -> n.startsWith("hammer-hs_err_pid"));
    }

    /**
     * A mirroring command starts no java.util.logging (its LogManager, logging.properties and the
     * logger-finder lookup over the class path: start-up time of every mirror): the full protobuf
     * runtime's GeneratedMessage started it as it loaded, the lite runtime does not. Read from the
     * JVM's own log of the classes an incremental mirror-copy loads.
     */
    @Test
    void anIncrementalMirrorCopyStartsNoJavaUtilLogging() throws IOException {
        CliRunner h = hammer.withWorkDir(tmp);
        Path tree = Files.createDirectories(tmp.resolve("tree"));
        Files.writeString(tree.resolve("a.txt"), "one\n");
        for (String[] step : new String[][] {{"newfs", "m"}, {"pfs-master", "m/pfs/d"}, {"cpdup", "-q", "tree", "m/pfs/d"},
                {"newfs", "s"}, {"mirror-copy", "-q", "-y", "m/pfs/d", "s/pfs/d"}}) {
            CliResult r = h.run(step);
            assertThat(r.exitCode()).as(r.toString()).isZero();
        }
        Files.writeString(tree.resolve("a.txt"), "two\n");
        assertThat(h.run("cpdup", "-q", "tree", "m/pfs/d").exitCode()).isZero();
        String master = h.run("synctid", "m/pfs/d").stdout();
        assertThat(h.run("synctid", "s/pfs/d").stdout()).as("the slave is behind").isNotEqualTo(master);
        Path log = tmp.resolve("classes.log");

        CliResult copy = h.withEnv("HAMMER_JAVA_OPTS", "-Xlog:class+load=info:file=" + log)
                .run("mirror-copy", "-q", "m/pfs/d", "s/pfs/d");

        assertThat(copy.exitCode()).as(copy.toString()).isZero();
        assertThat(h.run("synctid", "s/pfs/d").stdout()).as("the slave caught up").isEqualTo(master);
        String classes = Files.readString(log);
        assertThat(classes).as("the mirror's classes, as the JVM logs them")
                .contains("org.hammer.proto.Rec ", "org.hammer.core.mirror.MirrorTarget ")
                .doesNotContain("java.util.logging.LogManager ", "java.util.logging.Logger ");
    }

    private static java.util.List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
