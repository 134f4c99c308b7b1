package org.hammer.man;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ManPageTest {

    @Test
    void pageHasTheManSectionsTheOverviewAndTheGlobalOptions() {
        String page = ManPage.render(Main.model().getCommandSpec(),
                "First paragraph\nwraps here.\n\n.Second starts with a dot.", "1.2.3", "2026-01-02");

        assertThat(page).startsWith(".TH HAMMER 8 2026\\-01\\-02 \"hammer 1.2.3\"")
                .contains(".SH NAME\nhammer \\- ", ".SH SYNOPSIS", ".SH \"EXIT STATUS\"", ".B 70\n")
                .contains(".PP\nFirst paragraph wraps here.\n", ".PP\n\\&.Second starts with a dot.\n")
                .contains(".B \\-v, \\-\\-verbose\n");
    }

    @Test
    void pageHasExamplesEnvironmentFilesAndExitStatus() {
        String page = ManPage.render(Main.model().getCommandSpec(), "Overview.", "1.0", "2026-01-02");

        assertThat(page).contains(".SH EXAMPLES\n", ".SH ENVIRONMENT\n", ".SH FILES\n", ".SH \"EXIT STATUS\"\n")
                .contains(".B HAMMER_RSH\n", ".B HAMMER_RUN_DIR\n", ".B HAMMER_JAVA_OPTS\n", ".B HAMMER_CDS\n",
                        ".B HAMMER_LMDB_DIRECT\n")
                .contains(".B $HAMMER_RUN_DIR/mounts\n", ".B hammer help mirror\\-copy\n");
        assertThat(page.indexOf(".SH EXAMPLES")).isLessThan(page.indexOf(".SH ENVIRONMENT"));
        assertThat(page.indexOf(".SH FILES")).isLessThan(page.indexOf(".SH \"EXIT STATUS\""));
    }

    @Test
    void mainWritesThePageAndTheCompletionScript(@TempDir Path dir) throws Exception {
        Path overview = Files.writeString(dir.resolve("overview.txt"), "Stores hold PFSes.");

        ManPage.main(new String[] {dir.toString(), overview.toString(), "0.1.0", "2026-01-02"});

        assertThat(dir.resolve("hammer.8")).content().contains("Stores hold PFSes.");
        assertThat(dir.resolve("hammer_completion")).content().contains("complete", "hammer");
    }

    // Named so as not to clash with a real subcommand of Main.
    @CommandLine.Command(name = "demo-status", description = "Print the status block of each PFS.")
    static final class PfsStatus implements Runnable {
        @CommandLine.Option(names = "--json", description = "Print JSON.")
        boolean json;

        @CommandLine.Parameters(paramLabel = "PATH", arity = "1..*", description = "A PFS path.")
        java.util.List<String> paths;

        @Override
        public void run() {
        }
    }

    @Test
    void subcommandsGetASynopsisLineAndASectionWithTheirArguments() {
        CommandLine hammer = Main.model().addSubcommand(new PfsStatus());

        String page = ManPage.render(hammer.getCommandSpec(), "Overview.", "1.0", "2026-01-02");

        assertThat(page).contains(".SH COMMANDS\n.SS ", "\n.SS demo\\-status\n.PP\nPrint the status block of each PFS.\n")
                .contains(".B hammer demo\\-status\n[\\-v] [\\-\\-json] PATH...\n")
                .contains(".B PATH\nA PFS path.\n", ".B \\-\\-json\nPrint JSON.\n");
    }
}
