package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.hammer.fixtures.CliResult;
import org.hammer.fixtures.CliRunner;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher's start-up archive, in an installed layout made here (PREFIX/bin/hammer,
 * PREFIX/lib/hammer/{hammer-cli.jar,lib}) on each JDK found (the one running the tests, and JDK 17
 * and 25 under /usr/lib/jvm): hammer answers the same without an archive, with a damaged one and
 * from a read-only prefix, and a missing or stale archive is made again in the background and
 * then used.
 */
class StartupArchiveIT {

    private static final Duration REBUILD = Duration.ofSeconds(180);
    /** The answers a damaged archive is checked by: the version, and a store made, a PFS made and read. */
    private static final int BRIEF = 4;

    @TempDir
    Path tmp;

    /** The JDK homes to run on: the running one and the JDKs 17 and 25 installed, each once. */
    static List<Path> jdks() throws IOException {
        Map<Path, Path> homes = new LinkedHashMap<>();
        Path running = Path.of(System.getProperty("java.home")).toRealPath();
        homes.put(running, running);
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                for (Path p : s.sorted().toList()) {
                    if (Files.isExecutable(p.resolve("bin/java")) && Files.isRegularFile(p.resolve("release"))) {
                        String release = Files.readString(p.resolve("release"));
                        if (release.contains("JAVA_VERSION=\"17") || release.contains("JAVA_VERSION=\"25")) {
                            homes.putIfAbsent(p.toRealPath(), p.toRealPath());
                        }
                    }
                }
            }
        }
        return new ArrayList<>(homes.values());
    }

    /** An installed layout of the built hammer under {@code prefix}; returns its bin/hammer. */
    private static Path install(Path prefix) throws IOException {
        Path built = CliRunner.create().launcher().toRealPath().getParent().resolve("hammer-cli/target");
        Path lib = Files.createDirectories(prefix.resolve("lib/hammer/lib"));
        Files.copy(built.resolve("hammer-cli.jar"), prefix.resolve("lib/hammer/hammer-cli.jar"));
        try (Stream<Path> s = Files.list(built.resolve("lib"))) {
            for (Path jar : s.filter(p -> p.toString().endsWith(".jar")).toList()) {
                Files.copy(jar, lib.resolve(jar.getFileName()));
            }
        }
        Path launcher = Files.createDirectories(prefix.resolve("bin")).resolve("hammer");
        Files.copy(CliRunner.create().launcher(), launcher, StandardCopyOption.COPY_ATTRIBUTES);
        return launcher;
    }

    private CliRunner runner(Path launcher, Path jdk) throws IOException {
        Path home = Files.createDirectories(tmp.resolve("home"));
        return CliRunner.of(launcher).withWorkDir(tmp).withEnv("JAVA_HOME", jdk.toString())
                .withEnv("HOME", home.toString()).withEnv("XDG_CACHE_HOME", home.resolve("cache").toString())
                .withEnv("HAMMER_RUN_DIR", tmp.toString()).withTimeout(Duration.ofSeconds(120));
    }

    /** What a user sees of a few commands: their output, messages and exit codes, on a new store. */
    private List<String> answers(CliRunner hammer, String tag) {
        return answers(hammer, tag, Integer.MAX_VALUE);
    }

    /** The first {@code count} of the answers: the version, then a store made and read. */
    private List<String> answers(CliRunner hammer, String tag, int count) {
        String store = tmp.resolve("store-" + tag).toString();
        List<String> seen = new ArrayList<>();
        String[][] all = {{"--version"}, {"newfs", "-L", "X", store}, {"pfs-master", store + "/pfs/m"},
            {"pfs-status", store + "/pfs/m"}, {"synctid", store + "/pfs/m"}, {"pfs-status", store + "/pfs/none"},
            {"no-such-command"}, {"--help"}};
        for (String[] args : java.util.Arrays.copyOf(all, Math.min(count, all.length))) {
            CliResult r = hammer.run(args);
            seen.add(String.join(" ", args).replace(store, "STORE") + " -> " + r.exitCode() + "\n"
                    + r.stdout().replace(store, "STORE").replaceAll("(?m)^(\\s*(fs-uuid|shared-uuid|unique-uuid|"
                            + "sync-end-tid|sync-beg-tid)=).*$", "$1…")
                    + "\n--- stderr\n" + r.stderr().replace(store, "STORE"));
        }
        return seen;
    }

    private static List<Path> archives(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        // A background build creates and deletes its temporary files here while we look.
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().matches("hammer\\.(jsa|aot)")).toList();
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return List.of(); // one went while we walked: the caller looks again
            }
            throw e;
        }
    }

    /** Waits (bounded) for a fresh archive under {@code dir}: one with its stamp and no build under way. */
    private static Path awaitArchive(Path dir) throws Exception {
        long deadline = System.nanoTime() + REBUILD.toNanos();
        while (System.nanoTime() < deadline) {
            for (Path a : archives(dir)) {
                Path stamp = a.resolveSibling("stamp");
                try {
                    if (Files.exists(stamp) && !Files.exists(a.resolveSibling("lock"))
                            && !Files.getLastModifiedTime(a).toInstant().isAfter(Files.getLastModifiedTime(stamp).toInstant())) {
                        return a;
                    }
                } catch (java.nio.file.NoSuchFileException e) {
                    // replaced by a build while we looked: look again
                }
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("no start-up archive under " + dir + " within " + REBUILD);
    }

    /** Whether a run of {@code hammer --version} takes its classes from an archive. */
    private boolean mapsArchive(CliRunner hammer) throws IOException {
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
        CliResult r = hammer.withEnv("HAMMER_JAVA_OPTS", "-Xlog:class+load=info:file=" + log).run("--version");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return Files.readAllLines(log).stream()
                .anyMatch(l -> l.contains("org.hammer.cli.Main source: shared objects file"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void withoutAnArchiveHammerAnswersTheSameAndMakesOneInTheBackground(Path jdk) throws Exception {
        Path launcher = install(tmp.resolve("prefix"));
        CliRunner hammer = runner(launcher, jdk);
        List<String> reference = answers(hammer.withEnv("HAMMER_CDS", "0"), "ref");
        assertThat(archives(tmp.resolve("prefix"))).isEmpty();

        List<String> first = answers(hammer, "first");
        Path archive = awaitArchive(tmp.resolve("prefix/lib/hammer/startup"));
        List<String> after = answers(hammer, "after");

        assertThat(first).isEqualTo(reference);
        assertThat(after).isEqualTo(reference);
        assertThat(reference.get(0)).contains("-> 0", "hammer 0.1.0");
        assertThat(reference.get(3)).contains("-> 0", "PFS#1 {", "operating as a MASTER");
        assertThat(reference.get(5)).contains("-> 4");
        assertThat(reference.get(6)).contains("-> 2", "usage: hammer");
        assertThat(reference.get(7)).contains("-> 0", "Usage: hammer", "pfs-status");
        assertThat(archive.resolveSibling("native/liblmdb.so")).isRegularFile();
        assertThat(archive.resolveSibling("native/libhammer-native.so")).isRegularFile();
        // hammer --help comes from the training's rendering now, the same text as picocli's above
        assertThat(archive.resolveSibling("help.txt")).isRegularFile();
        assertThat(mapsArchive(hammer)).as("the archive is used").isTrue();
        // With the rendered help at hand, the launcher prints it without starting a JVM (one that
        // would refuse this option): the same text, exit 0.
        CliResult help = hammer.withEnv("HAMMER_JAVA_OPTS", "-XX:+NoSuchVmOption").run("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat("--help -> 0\n" + help.stdout() + "\n--- stderr\n" + help.stderr()).isEqualTo(reference.get(7));
        assertThat(hammer.withEnv("HAMMER_JAVA_OPTS", "-XX:+NoSuchVmOption").run("--version").exitCode())
                .as("any other command starts the JVM").isNotZero();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aDamagedArchiveIsRefusedByTheJvmOrMadeAgain(Path jdk) throws Exception {
        Path launcher = install(tmp.resolve("prefix"));
        CliRunner hammer = runner(launcher, jdk);
        CliResult built = hammer.withEnv("HAMMER_CDS", "build").run();
        assertThat(built.exitCode()).as(built.toString()).isZero();
        Path archive = awaitArchive(tmp.resolve("prefix/lib/hammer/startup"));
        List<String> reference = answers(hammer.withEnv("HAMMER_CDS", "0"), "ref", BRIEF);
        FileTime made = Files.getLastModifiedTime(archive);
        byte[] good = Files.readAllBytes(archive);
        archive.toFile().setWritable(true);

        // Damage the launcher cannot see (the time kept): the JVM checks the archive and runs without it.
        byte[] garbage = good.clone();
        for (int i = 0; i < 4096; i++) {
            garbage[i] = (byte) (i * 31 + 7);
        }
        Files.write(archive, garbage);
        Files.setLastModifiedTime(archive, made);
        assertThat(answers(hammer, "garbage", BRIEF)).isEqualTo(reference);
        Files.write(archive, java.util.Arrays.copyOf(good, good.length / 3));
        Files.setLastModifiedTime(archive, made);
        assertThat(answers(hammer, "truncated", BRIEF)).isEqualTo(reference);
        Files.write(archive, new byte[0]);
        Files.setLastModifiedTime(archive, made);
        assertThat(answers(hammer, "empty", BRIEF)).isEqualTo(reference);

        // Written to after it was made: stale, made again.
        Files.write(archive, garbage);
        Files.setLastModifiedTime(archive, FileTime.from(Instant.now().plusSeconds(2)));
        assertThat(answers(hammer, "stale", BRIEF)).isEqualTo(reference);
        awaitArchive(tmp.resolve("prefix/lib/hammer/startup"));
        assertThat(Files.readAllBytes(archive)).isNotEqualTo(garbage);
        assertThat(mapsArchive(hammer)).as("the archive made again is used").isTrue();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aJarNewerThanTheArchiveMakesItStale(Path jdk) throws Exception {
        Path launcher = install(tmp.resolve("prefix"));
        CliRunner hammer = runner(launcher, jdk);
        assertThat(hammer.withEnv("HAMMER_CDS", "build").run().exitCode()).isZero();
        Path archive = awaitArchive(tmp.resolve("prefix/lib/hammer/startup"));
        assertThat(mapsArchive(hammer)).isTrue();
        Path jar = tmp.resolve("prefix/lib/hammer/hammer-cli.jar");
        FileTime before = Files.getLastModifiedTime(archive.resolveSibling("stamp"));
        // The native library kept beside the archive is the old build's: the new one must not use it.
        Path kept = archive.resolveSibling("native/libhammer-native.so");
        Files.write(kept, "not the library of this build".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));

        assertThat(mapsArchive(hammer)).as("a stale archive is not used").isFalse();
        long deadline = System.nanoTime() + REBUILD.toNanos();
        while (Files.getLastModifiedTime(archive.resolveSibling("stamp")).equals(before) && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
        awaitArchive(tmp.resolve("prefix/lib/hammer/startup"));
        assertThat(mapsArchive(hammer)).as("the archive made again is used").isTrue();
        assertThat(Files.readAllBytes(kept)).as("the native library kept is this build's")
                .isEqualTo(jarEntry(tmp.resolve("prefix/lib/hammer/lib"), "org/hammer/core/lmdb/native/libhammer-native.so"));
    }

    /** The bytes of {@code entry} in the hammer-core jar under {@code lib}. */
    private static byte[] jarEntry(Path lib, String entry) throws IOException {
        try (Stream<Path> s = Files.list(lib)) {
            Path core = s.filter(p -> p.getFileName().toString().startsWith("hammer-core-")).findFirst().orElseThrow();
            try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(core.toFile())) {
                java.util.zip.ZipEntry e = z.getEntry(entry);
                assertThat(e).as(entry + " in " + core).isNotNull();
                try (java.io.InputStream in = z.getInputStream(e)) {
                    return in.readAllBytes();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void aReadOnlyPrefixKeepsItsArchiveInTheUsersCacheDirectory(Path jdk) throws Exception {
        Path prefix = tmp.resolve("prefix");
        Path launcher = install(prefix);
        Path readOnly = Files.createDirectories(tmp.resolve("ro"));
        assumeTrue(mount("--bind", prefix.toString(), readOnly.toString()), "bind mounts need root");
        try {
            assumeTrue(mount("-o", "remount,bind,ro", readOnly.toString()), "read-only bind mounts");
            assertThat(Files.isWritable(readOnly) && canWrite(readOnly)).as("read-only").isFalse();
            CliRunner hammer = runner(readOnly.resolve("bin/hammer"), jdk);
            List<String> reference = answers(hammer.withEnv("HAMMER_CDS", "0"), "ref");

            List<String> first = answers(hammer, "first");
            Path archive = awaitArchive(tmp.resolve("home/cache/hammer"));
            List<String> after = answers(hammer, "after");

            assertThat(first).isEqualTo(reference);
            assertThat(after).isEqualTo(reference);
            assertThat(archives(prefix)).isEmpty();
            assertThat(archive).startsWith(tmp.resolve("home/cache/hammer"));
            assertThat(mapsArchive(hammer)).as("the archive in the cache directory is used").isTrue();
        } finally {
            mount("-u", readOnly.toString());
        }
        assertThat(launcher).isRegularFile();
    }

    private static boolean canWrite(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ""));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** mount ARGS (umount for "-u DIR"); whether it worked. */
    private static boolean mount(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (args[0].equals("-u")) {
            cmd.add("umount");
            cmd.add(args[1]);
        } else {
            cmd.add("mount");
            cmd.addAll(List.of(args));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
