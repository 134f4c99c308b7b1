package org.hammer.man;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.hammer.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script, run by bash: words completed as a user at a prompt would see them. */
class CompletionTest {
    @TempDir
    Path tmp;

    /** COMPREPLY for the command line {@code words} (the last one being completed). */
    private String complete(String... words) throws Exception {
        Path script = tmp.resolve("hammer_completion");
        Files.writeString(script, Completion.bash(Main.model()));
        String call = "source " + script + " 2>/dev/null\nCOMP_WORDS=(" + String.join(" ", words) + ")\n"
                + "COMP_CWORD=" + (words.length - 1) + "\nCOMP_LINE=\"${COMP_WORDS[*]}\"\n"
                + "_hammer_leading 2>/dev/null\necho \"${COMPREPLY[*]}\"\n";
        Process p = new ProcessBuilder("bash", "-c", call).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    @Test
    void commandsCompleteAfterLeadingOptions() throws Exception {
        assertThat(complete("hammer", "-v", "mir")).contains("mirror-read", "mirror-copy", "mirror-stream")
                .doesNotContain("pfs-status");
        assertThat(complete("hammer", "-b", "10m", "-y", "mirror-w")).isEqualTo("mirror-write");
        assertThat(complete("hammer", "pfs-s")).contains("pfs-status", "pfs-slave");
    }

    @Test
    void optionsOfTheCommandCompleteAfterTheLeadingOptionsToo() throws Exception {
        assertThat(complete("hammer", "-v", "mirror-copy", "--zstd")).isEqualTo("--zstd-level");
        assertThat(complete("hammer", "mirror-copy", "-v", "--zstd")).isEqualTo("--zstd-level");
    }

    @Test
    void pfsUpdateOffersItsKeys() throws Exception {
        assertThat(complete("hammer", "pfs-update", "/b/pfs/x", "sync")).isEqualTo("sync-beg-tid= sync-end-tid=");
        assertThat(complete("hammer", "-v", "pfs-update", "/b/pfs/x", "la")).isEqualTo("label=");
    }
}
