package org.hammer.man;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./install} into a temporary prefix, the installed launcher, and {@code --uninstall}. It
 * lives in this module because the man page and completion it installs are built here.
 *
 * <pre>
 * prefix/bin/other        not ours: survives the uninstall
 * prefix/bin/hammer, prefix/lib/hammer/..., prefix/share/man/man8/hammer.8,
 * prefix/share/bash-completion/completions/hammer
 * </pre>
 */
class InstallIT {
    @TempDir
    Path tmp;

    private static Path root() {
        String launcher = System.getProperty("hammer.launcher");
        return launcher != null ? Path.of(launcher).toAbsolutePath().getParent()
                : Path.of("").toAbsolutePath().getParent();
    }

    private static String run(Path program, String... args) throws Exception {
        ProcessBuilder b = new ProcessBuilder(Stream.concat(Stream.of(program.toString()), Stream.of(args)).toList())
                .redirectErrorStream(true);
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        b.environment().put("HAMMER_CDS", "0");
        Process p = b.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static List<Path> files(Path prefix) throws IOException {
        try (Stream<Path> s = Files.walk(prefix)) {
            return s.filter(f -> !Files.isDirectory(f)).map(prefix::relativize).sorted().toList();
        }
    }

    @Test
    void installsTheLauncherJarsManPageAndCompletionThenRemovesExactlyThose() throws Exception {
        Path prefix = tmp.resolve("prefix");
        Files.createDirectories(prefix.resolve("bin"));
        Files.writeString(prefix.resolve("bin/other"), "not ours");

        Path install = root().resolve("install");
        run(install, "--prefix", prefix.toString());
        run(install, "--prefix", prefix.toString());

        assertThat(files(prefix)).contains(Path.of("bin/hammer"), Path.of("lib/hammer/hammer-cli.jar"),
                Path.of("share/man/man8/hammer.8"), Path.of("share/bash-completion/completions/hammer"));
        assertThat(run(prefix.resolve("bin/hammer"), "--version")).startsWith("hammer ");

        run(install, "--uninstall", "--prefix", prefix.toString());

        assertThat(files(prefix)).containsExactly(Path.of("bin/other"));
    }
}
