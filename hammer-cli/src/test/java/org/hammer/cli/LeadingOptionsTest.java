package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LeadingOptionsTest {

    private static final Set<String> COMMANDS = Set.of("mirror-write", "mirror-read", "pfs-status", "info");

    private static String[] reorder(String... args) {
        return LeadingOptions.reorder(args, COMMANDS);
    }

    @Test
    void optionsBeforeTheCommandMoveAfterItInOrder() {
        assertThat(reorder("-y", "-2", "mirror-write", "/b/pfs/test"))
                .containsExactly("mirror-write", "-y", "-2", "/b/pfs/test");
    }

    @Test
    void optionValuesMoveWithTheirOption() {
        assertThat(reorder("-b", "10m", "-i", "7", "-v", "mirror-read", "/a"))
                .containsExactly("mirror-read", "-b", "10m", "-i", "7", "-v", "/a");
    }

    @Test
    void everyValueOptionOfHammerTakesItsValue() {
        for (String option : new String[] {"-b", "-S", "-i", "-t", "-p", "-e", "-c", "-R", "-T", "--zstd-level"}) {
            assertThat(reorder(option, "info", "pfs-status")).as(option)
                    .containsExactly("pfs-status", option, "info");
        }
    }

    @Test
    void compressionFlagTakesNoValue() {
        assertThat(reorder("-z", "mirror-read", "/a")).containsExactly("mirror-read", "-z", "/a");
    }

    @Test
    void attachedValuesStayOneArgument() {
        assertThat(reorder("-b10m", "-vv", "mirror-read", "/a")).containsExactly("mirror-read", "-b10m", "-vv", "/a");
    }

    @Test
    void argumentsAfterTheCommandAreLeftAlone() {
        assertThat(reorder("pfs-status", "-v", "info")).containsExactly("pfs-status", "-v", "info");
        assertThat(reorder("-v", "pfs-status", "-b", "x")).containsExactly("pfs-status", "-v", "-b", "x");
    }

    @Test
    void helpAndVersionStayInFrontOfTheCommand() {
        assertThat(reorder("-v", "--help", "pfs-status")).containsExactly("--help", "pfs-status", "-v");
        assertThat(reorder("--version")).containsExactly("--version");
        assertThat(reorder("-h")).containsExactly("-h");
    }

    @Test
    void withoutACommandNothingMoves() {
        assertThat(reorder("-y", "-2")).containsExactly("-y", "-2");
        assertThat(reorder("-y", "no-such-command", "x")).containsExactly("-y", "no-such-command", "x");
        assertThat(reorder("-y", "--", "info")).containsExactly("-y", "--", "info");
        assertThat(reorder()).isEmpty();
    }

    @Test
    void mainAcceptsVerboseBeforeTheCommand() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "-v", "pfs-status", "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: hammer pfs-status");
    }

    @Test
    void mainStillShowsItsOwnHelpAndVersion() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--help")).isZero();
        assertThat(out.toString()).contains("Usage: hammer", "pfs-status");
        out.getBuffer().setLength(0);
        assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--version")).isZero();
        assertThat(out.toString()).startsWith("hammer ");
    }

    @Test
    void helpNamesTheCommandWhoseHelpIsWanted() {
        assertThat(reorder("help", "pfs-status")).containsExactly("pfs-status", "--help");
        assertThat(reorder("-v", "help", "mirror-read")).containsExactly("mirror-read", "-v", "--help");
        assertThat(reorder("help")).containsExactly("--help");
    }

    @Test
    void hammerCommandWordsBecomeTheCommandAndOptionThatDoTheSame() {
        assertThat(LeadingOptions.spell(new String[] {"history@100,16", "/a/f"}))
                .containsExactly("history", "--offset", "100", "--length", "16", "/a/f");
        assertThat(LeadingOptions.spell(new String[] {"-v", "history@8", "/a/f"}))
                .containsExactly("-v", "history", "--offset", "8", "/a/f");
        assertThat(LeadingOptions.spell(new String[] {"snaplo", "/a"})).containsExactly("snap", "--lo", "/a");
        assertThat(LeadingOptions.spell(new String[] {"-t", "5", "snapq", "/a"}))
                .containsExactly("-t", "5", "snap", "--query", "/a");
        assertThat(LeadingOptions.spell(new String[] {"info", "help"})).containsExactly("info", "help");
    }
}
