package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks ssh-remote makes of a request.
 *
 * <pre>
 * tmp/allowed/           TARGETDIR
 * tmp/allowed/out -> /   a link that leaves it
 * </pre>
 */
class RemoteRequestTest {
    @TempDir
    Path tmp;
    Path allowed;
    RemoteRequest request;

    @BeforeEach
    void setUp() throws Exception {
        allowed = Files.createDirectories(tmp.resolve("allowed"));
        Files.createSymbolicLink(allowed.resolve("out"), Path.of("/"));
        PrintWriter silent = new PrintWriter(Writer.nullWriter());
        request = new RemoteRequest(Set.of("mirror-read", "mirror-write"), allowed + "/",
                () -> Main.commandLine(silent, silent));
    }

    private void refused(String line, String message) {
        assertThatThrownBy(() -> request.check(line)).isInstanceOfSatisfying(HammerException.class,
                e -> assertThat(e.kind()).isEqualTo(HammerException.Kind.REFUSED)).hasMessageContaining(message);
    }

    @Test
    void passesAnAllowedRequestOnInHammersOrder() {
        assertThat(request.check("/usr/local/bin/hammer -2 -v mirror-read '" + allowed + "/a b/pfs/x' 0x1"))
                .containsExactly("-2", "-v", "mirror-read", allowed + "/a b/pfs/x", "0x1");
        assertThat(request.check("hammer mirror-write -2 -y " + allowed + "/s.hammer/pfs/test"))
                .containsExactly("mirror-write", "-2", "-y", allowed + "/s.hammer/pfs/test");
    }

    @Test
    void refusesWithoutAnOriginalCommand() {
        refused(null, "SSH_ORIGINAL_COMMAND is not set");
    }

    @Test
    void refusesAProgramOtherThanHammer() {
        refused("sh -c id", "not a hammer command");
    }

    @Test
    void refusesOtherCommandsAndNoCommand() {
        refused("hammer pfs-destroy " + allowed + "/x", "pfs-destroy: request does not match restricted command");
        refused("hammer --help", "request does not match restricted command");
        refused("hammer --version mirror-read " + allowed + "/x", "request does not match restricted command");
        refused("hammer", "request does not match restricted command");
    }

    /** The reachability probe of the README's cron line: reads nothing, tells only the version. */
    @Test
    void answersTheVersionProbe() {
        assertThat(request.check("hammer --version")).containsExactly("--version");
    }

    /**
     * A TARGETDIR inside a store that is not mounted: {@code pfs/} is a directory of the store's
     * PFS #0, not of the filesystem.
     *
     * <pre>
     * tmp/Backup/            a store directory (TARGETDIR tmp/Backup/pfs, which is not a directory here)
     * </pre>
     */
    @Test
    void acceptsPathsUnderATargetDirectoryInsideAnUnmountedStore() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("Backup"));
        PrintWriter silent = new PrintWriter(Writer.nullWriter());
        RemoteRequest inStore = new RemoteRequest(Set.of("mirror-write"), store + "/pfs",
                () -> Main.commandLine(silent, silent));

        assertThat(inStore.check("hammer -2 -y -q mirror-write " + store + "/pfs/laptop"))
                .containsExactly("-2", "-y", "-q", "mirror-write", store + "/pfs/laptop");
        assertThatThrownBy(() -> inStore.check("hammer mirror-write " + store + "/other/laptop"))
                .hasMessageContaining("restricted target");
    }

    @Test
    void refusesPathsOutsideTheTargetDirectory() {
        refused("hammer mirror-read " + tmp + "/allowedx/pfs", "restricted target");
        refused("hammer mirror-read relative/pfs", "restricted target");
        refused("hammer mirror-read " + allowed + "/out/etc", "restricted target");
    }

    @Test
    void refusesDotDot() {
        refused("hammer mirror-read " + allowed + "/../x", "'..' not allowed");
    }

    @Test
    void refusesAnUnterminatedQuote() {
        refused("hammer mirror-read '" + allowed, "request does not parse");
    }
}
