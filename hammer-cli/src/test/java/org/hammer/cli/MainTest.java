package org.hammer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Command(name = "boom")
    static final class Boom implements Callable<Integer> {
        static RuntimeException next;

        @Override
        public Integer call() {
            throw next;
        }
    }

    private int run(String... args) {
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        CommandLine cmd = Main.commandLine(outWriter, errWriter).addSubcommand(new Boom());
        // setOut/setErr reach only subcommands that exist when they are called.
        return cmd.setOut(outWriter).setErr(errWriter).execute(args);
    }

    @Test
    void versionNamesHammerAndItsVersion() {
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--version");

        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("hammer ").doesNotContain("unknown");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void helpListsTheVerboseOption() {
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: hammer", "--verbose");
    }

    @Test
    void everyCommandAnswersHelpWithItsUsage() {
        for (String name : Main.commandNames().keySet()) {
            StringWriter o = new StringWriter();
            StringWriter e = new StringWriter();
            int code = Main.run(new PrintWriter(o, true), new PrintWriter(e, true), name, "--help");

            assertThat(code).as(name + ": " + e).isZero();
            assertThat(o.toString()).as(name).startsWith("Usage: hammer " + name).contains("-h, --help");
        }
    }

    @Test
    void unknownOptionIsAUsageErrorWithUsageOnStderr() {
        int code = run("--no-such-option");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("hammer: Unknown option").contains("usage: hammer [-hVv] COMMAND");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void missingCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("missing command");
    }

    @Test
    void hammerExceptionMapsToItsKindsExitCodeWithoutStackTrace() {
        Boom.next = HammerException.notFound("pfs /tmp/x: no such PFS");

        int code = run("boom");

        assertThat(code).isEqualTo(4);
        assertThat(err.toString()).isEqualTo("hammer: boom pfs /tmp/x: no such PFS" + System.lineSeparator());
    }

    @Test
    void otherExceptionsAreInternalErrorsWithStackTraceOnlyWhenVerbose() {
        Boom.next = new IllegalStateException("bug");

        int quiet = run("boom");
        String quietErr = err.toString();
        err.getBuffer().setLength(0);
        int loud = run("-v", "boom");

        assertThat(quiet).isEqualTo(70);
        assertThat(quietErr).isEqualTo(
                "hammer: boom: internal error: java.lang.IllegalStateException: bug" + System.lineSeparator());
        assertThat(loud).isEqualTo(70);
        assertThat(err.toString()).contains("internal error", "\tat ");
    }

    @Test
    void verboseIsAcceptedAfterTheSubcommandToo() {
        Boom.next = HammerException.corrupt("stream: bad magic");

        assertThat(run("boom", "-vv")).isEqualTo(5);
        assertThat(err.toString()).contains("hammer: boom stream: bad magic", "\tat ");
    }

    /**
     * hammer's own help and version and the usage errors met before any command read the same
     * whether the commands are only listed (as a run does) or fully modelled.
     */
    @Test
    void theCommandListingReadsAsTheFullModel() {
        String[][] cases = {{"--help"}, {"-h"}, {"--version"}, {"-V"}, {}, {"-v"}, {"no-such-command"},
            {"pfs-stat"}, {"--no-such-option"}, {"-v", "mirror-cpy", "a", "b"}, {"--help", "--version"}};
        for (String[] args : cases) {
            StringWriter lo = new StringWriter();
            StringWriter le = new StringWriter();
            StringWriter fo = new StringWriter();
            StringWriter fe = new StringWriter();
            int listed = Main.run(new PrintWriter(lo, true), new PrintWriter(le, true), false, args);
            int full = Main.run(new PrintWriter(fo, true), new PrintWriter(fe, true), true, args);

            String what = String.join(" ", args);
            assertThat(listed).as(what).isEqualTo(full);
            assertThat(lo.toString()).as(what).isEqualTo(fo.toString());
            assertThat(le.toString()).as(what).isEqualTo(fe.toString());
        }
    }

    @Test
    void theHelpListsEveryCommand() {
        Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--help");

        for (String name : Main.commandNames().keySet()) {
            assertThat(out.toString()).as(name).containsPattern("(?m)^  " + name + " ");
        }
    }

    @Test
    void theCommandNameIsFoundAfterHammersOwnOptions() {
        assertThat(Main.commandName("-y", "-b", "10m", "mirror-write", "x")).isEqualTo("mirror-write");
        assertThat(Main.commandName("pfs-status", "mirror-copy")).isEqualTo("pfs-status");
        assertThat(Main.commandName("--version")).isNull();
        assertThat(Main.commandName("no-such-command", "pfs-status")).isNull();
        assertThat(Main.commandName()).isNull();
    }

    @Test
    void theNamesAreThoseOfTheCommandsAnnotations() {
        assertThat(Main.NAMES).hasSameSizeAs(Main.COMMANDS).doesNotHaveDuplicates();
        for (int i = 0; i < Main.COMMANDS.size(); i++) {
            assertThat(Main.NAMES.get(i)).isEqualTo(Main.COMMANDS.get(i).getAnnotation(Command.class).name());
        }
    }

    @Test
    void theRenderedHelpIsPicoclisAndIsServedOnlyFromItsFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Main.run(new PrintWriter(out, true), new PrintWriter(err, true), "--help");
        assertThat(Main.helpAsPicocliRendersIt()).isEqualTo(out.toString()).contains("Usage: hammer");
        java.nio.file.Path file = dir.resolve("help.txt");
        java.nio.file.Files.writeString(file, "rendered\n");
        String before = System.getProperty(Main.HELP_PROPERTY);
        System.setProperty(Main.HELP_PROPERTY, file.toString());
        try {
            for (String h : new String[] {"--help", "-h"}) {
                StringWriter o = new StringWriter();
                assertThat(Main.run(new PrintWriter(o, true), new PrintWriter(err, true), h)).isZero();
                assertThat(o.toString()).isEqualTo("rendered\n");
            }
            StringWriter o = new StringWriter();
            Main.run(new PrintWriter(o, true), new PrintWriter(err, true), "pfs-status", "--help");
            assertThat(o.toString()).startsWith("Usage: hammer pfs-status");
            java.nio.file.Files.delete(file);
            assertThat(Main.renderedHelp()).isNull();
        } finally {
            if (before == null) {
                System.clearProperty(Main.HELP_PROPERTY);
            } else {
                System.setProperty(Main.HELP_PROPERTY, before);
            }
        }
    }
}
