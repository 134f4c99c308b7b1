package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** What a user sees when a command line is wrong, or asks for help: a screen at most, each line once. */
class UsageErrorsTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String[] errLines() {
        return err.toString().split("\n");
    }

    @Test
    void aMistypedCommandIsNamedWithSuggestionsAndNoFullUsage() {
        assertThat(run("pfs-stauts")).isEqualTo(2);

        assertThat(err.toString()).startsWith("hammer: unknown command 'pfs-stauts'\n")
                .contains("Did you mean: hammer pfs-status", "see hammer --help")
                .doesNotContain("mirror-copy", "Usage:");
        assertThat(errLines()).hasSizeLessThanOrEqualTo(5);
    }

    @Test
    void aBadOptionShowsTheErrorTheCommandsSynopsisAndWhereItsHelpIs() {
        assertThat(run("mirror-copy", "-j", "a", "b")).isEqualTo(2);

        assertThat(errLines()).hasSize(3);
        assertThat(errLines()[0]).isEqualTo("hammer: mirror-copy Unknown option: '-j'");
        assertThat(errLines()[1]).startsWith("usage: hammer mirror-copy ").endsWith("SRC DST");
        assertThat(errLines()[2]).isEqualTo("see hammer mirror-copy --help");
    }

    @Test
    void helpCommandDescribesOneCommand() {
        assertThat(run("help", "pfs-status")).isZero();

        assertThat(out.toString()).startsWith("Usage: hammer pfs-status").doesNotContain("mirror-copy");
        assertThat(err.toString()).isEmpty();
    }

    @Command(name = "mirror-write")
    static final class Refusing implements Runnable {
        @Override
        public void run() {
            throw HammerException.refused("mirror-write: no terminal for response (use -y)");
        }
    }

    @Test
    void aMessageThatNamesItsCommandIsNotPrefixedTwice() {
        CommandLine cl = new CommandLine(new Main()).addSubcommand(new Refusing());
        cl.setErr(new PrintWriter(err, true)).setExecutionExceptionHandler(new Failures());

        assertThat(cl.execute("mirror-write")).isEqualTo(3);
        assertThat(err.toString()).isEqualTo("hammer: mirror-write: no terminal for response (use -y)\n");
    }

    @Test
    void mirrorWriteHelpListsNoOptionOfTheReader() {
        assertThat(run("mirror-write", "--help")).isZero();

        assertThat(out.toString()).contains("-2", "-y", "-q")
                .doesNotContain("-z", "--zstd-level", "-b=", "-t=", "-S=", "RATE", "SECONDS");
    }

    @Test
    void cycleFileIsRefusedSayingWhatReplacesIt() {
        assertThat(run("-c", "/tmp/cycle", "mirror-read", "/nowhere")).isEqualTo(2);

        assertThat(errLines()[0]).startsWith("hammer: mirror-read -c /tmp/cycle: cycle files are not used")
                .contains("mirror-copy", "BEGIN-TID");
    }

    @Test
    void sshCompressionAddsMinusCAfterTheRemoteShell() {
        RemoteOptionsMixin remote = new RemoteOptionsMixin();
        CommandLine.populateCommand(remote, "-X");

        assertThat(remote.shell().words()).element(1).isEqualTo("-C");
        assertThat(remote.shell().words().get(0)).isEqualTo(org.hammer.core.transport.RemoteShell.fromEnvironment()
                .words().get(0));
    }
}
