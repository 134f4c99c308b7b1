package org.hammer.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.hammer.core.mirror.MirrorDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mirror-dump}: prints a mirror stream from stdin as text. */
@Command(name = "mirror-dump", description = {
    "Print a mirror stream from standard input as text, one entry per record; with 'header' only the "
            + "source's PFS header. The stream is checked as mirror-write checks it."})
final class MirrorDumpCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "header", description = "Print only the PFS header.")
    String header;

    @Override
    public Integer call() {
        if (header != null && !header.equals("header")) {
            throw org.hammer.core.HammerException.usage(header + ": expected 'header' or nothing");
        }
        PrintStream out = new PrintStream(StdStreams.out(), false, StandardCharsets.UTF_8);
        try {
            MirrorDump.dump(StdStreams.in(), out, header != null);
        } finally {
            out.flush();
        }
        return 0;
    }
}
