package org.hammer.man;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.cli.Main;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The README's table of commands is the one the CLI model gives, and names every command. */
class ReadmeCommandsTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void readmeTableIsGeneratedFromTheModelAndNamesEveryCommand() throws Exception {
        CommandLine hammer = Main.model();
        String table = CommandTable.markdown(hammer.getCommandSpec());
        String readme = Files.readString(README);

        assertThat(CommandTable.section(readme)).as("README.md's commands are out of date: after a build, java -cp "
                + "'man/target/classes:hammer-cli/target/hammer-cli.jar:hammer-cli/target/lib/*' "
                + "org.hammer.man.CommandTable README.md").isEqualTo(table);
        for (String name : hammer.getSubcommands().keySet()) {
            assertThat(table).as(name).containsPattern("(?m)^\\| `" + java.util.regex.Pattern.quote(name) + "[ `]");
        }
        assertThat(hammer.getSubcommands()).containsKeys("history", "undo", "snapshot", "snap", "snapls", "snaprm",
                "prune", "prune-everything", "cleanup", "config", "viconfig");
    }

    @Test
    void tableRowsGiveTheSynopsisAndTheFirstParagraph() {
        CommandLine hammer = Main.model();

        String table = CommandTable.markdown(hammer.getCommandSpec());

        assertThat(table).startsWith("| command | what it does |\n|---|---|\n")
                .contains("| `snaprm PATH\\|TID...` | Remove snapshots.")
                .contains("| `newfs [-L LABEL] [--max-size SIZE] [-V VERSION] DIR` | ");
        assertThat(table).doesNotContain("[-h]", "[-v]", "-c CYCLEFILE");
    }

    @Test
    void replaceKeepsWhatIsAroundTheMarkers() {
        String text = "intro\n" + CommandTable.BEGIN + "\nold\n" + CommandTable.END + "\nafter\n";

        assertThat(CommandTable.replace(text, "| new |\n"))
                .isEqualTo("intro\n" + CommandTable.BEGIN + "\n| new |\n" + CommandTable.END + "\nafter\n");
    }
}
