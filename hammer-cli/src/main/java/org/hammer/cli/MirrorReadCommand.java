package org.hammer.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.MirrorStats;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-read}: writes the changes of a PFS to stdout as a mirror stream. */
@Command(name = "mirror-read", description = {
    "Write the changes of a PFS to standard output as a mirror stream, for mirror-write on the other end. "
            + "Without -2 it starts at BEGIN-TID or the PFS's sync-beg-tid; with -2 the target says where "
            + "it stands on standard input."})
final class MirrorReadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Mixin
    ReaderOptionsMixin reader;

    @Option(names = "-i", paramLabel = "DELAY", hidden = true,
            description = "Accepted for hammer(8) scripts: the delay between streaming batches (mirror-read-stream's).")
    String delay;

    @Parameters(index = "0", paramLabel = "PFS", description = "The master or slave PFS to read.")
    String path;

    @Parameters(index = "1", arity = "0..1", paramLabel = "BEGIN-TID",
            description = "Send only changes after this TID (0x hex or decimal).")
    String beginTid;

    @Override
    public Integer call() {
        PrintStream log = LogStream.to(spec.commandLine().getErr(), ProgressLine.of(spec.commandLine().getErr(), true));
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()), log, reader);
        if (beginTid != null) {
            o = o.withBeginTid(Tid.parseAuto(beginTid));
        }
        try (PfsPath p = PfsPath.resolve(path)) {
            OutputStream out = StdStreams.out();
            MirrorStats s = new MirrorSource(p.store(), p.pfs(), path, o).run(o.twoWay() ? StdStreams.in() : null, out);
            if (!o.quiet() && o.verbose() > 0) {
                log.printf("Mirror-read %s succeeded: %d records, %d bytes, up to %s%n", path, s.records(),
                        s.wireBytes(), Tid.format(s.syncedTid()));
            }
        }
        return 0;
    }
}
