package org.hammer.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.hammer.core.mirror.LocalTarget;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorStats;
import org.hammer.core.mirror.MirrorTarget;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-write}: applies a mirror stream from stdin to a slave PFS. */
@Command(name = "mirror-write", description = {
    "Apply a mirror stream from standard input to a slave PFS. A missing slave is created with the "
            + "source's shared-uuid after a question on the terminal, or at once with -y. The slave stays "
            + "readable as of its last sync point throughout.",
    "One-way (without -2), after each batch it prints 'Source can update synctid to 0x<tid>' on standard "
            + "output, as hammer(8): the TID to give mirror-read as BEGIN-TID next time.",
    "When standard error is a terminal, a progress line (records and bytes received, rate and, once the "
            + "source has said how many changes it has to send, the share done and the time left) is redrawn "
            + "on it, unless -q; -v prints a line per batch."})
final class MirrorWriteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Mixin
    ReaderOptionsIgnored ignored;

    @Parameters(index = "0", paramLabel = "PFS", description = "The slave PFS to write.")
    String path;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ProgressLine line = ProgressLine.of(err, options.quiet);
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()),
                LogStream.to(err, line));
        MirrorProgress progress = new MirrorProgress("mirror-write", line) {
            @Override
            public void synced(long tid, long records, long bytes) {
                if (!o.twoWay()) {
                    line.clear();
                    out.println("Source can update synctid to " + Tid.format(tid));
                    out.flush();
                }
            }
        };
        try (LocalTarget t = new LocalTarget(path, q -> confirm(o, q))) {
            MirrorStats s = new MirrorTarget(t, path, o, progress)
                    .run(StdStreams.in(), o.twoWay() ? StdStreams.out() : null);
            line.clear();
            if (!o.quiet() && o.verbose() > 0) {
                err.printf("Mirror-write %s succeeded: %d records, synced to %s%n", path, s.records(),
                        Tid.format(s.syncedTid()));
            }
        } finally {
            line.clear();
        }
        return 0;
    }

    static boolean confirm(MirrorOptions o, String question) {
        if (o.createSlave()) {
            if (!o.quiet()) {
                o.log().println(question.substring(0, question.indexOf('\n')) + " Auto create new slave PFS!");
            }
            return true;
        }
        return Terminal.ask("mirror-write", question);
    }
}
