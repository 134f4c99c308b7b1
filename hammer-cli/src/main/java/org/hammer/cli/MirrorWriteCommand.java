package org.hammer.cli;

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
            + "readable as of its last sync point throughout."})
final class MirrorWriteCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Parameters(index = "0", paramLabel = "PFS", description = "The slave PFS to write.")
    String path;

    @Override
    public Integer call() {
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()), System.err);
        try (LocalTarget t = new LocalTarget(path, q -> confirm(o, q))) {
            MirrorStats s = new MirrorTarget(t, path, o).run(StdStreams.in(), o.twoWay() ? StdStreams.out() : null);
            if (!o.quiet() && o.verbose() > 0) {
                System.err.printf("Mirror-write %s succeeded: %d records, synced to %s%n", path, s.records(),
                        Tid.format(s.syncedTid()));
            }
        }
        return 0;
    }

    static boolean confirm(MirrorOptions o, String question) {
        if (o.createSlave()) {
            if (!o.quiet()) {
                System.err.println(question.substring(0, question.indexOf('\n')) + " Auto create new slave PFS!");
            }
            return true;
        }
        return Terminal.ask("mirror-write", question);
    }
}
