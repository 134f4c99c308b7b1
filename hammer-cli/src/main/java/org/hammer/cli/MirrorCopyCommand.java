package org.hammer.cli;

import java.util.concurrent.Callable;
import org.hammer.core.mirror.LocalTarget;
import org.hammer.core.mirror.MirrorCopy;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.MirrorStats;
import org.hammer.core.mirror.MirrorTarget;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-copy}: brings a slave up to date with its source, two-way, in one run. */
@Command(name = "mirror-copy", description = {
    "Bring the slave DST up to date with SRC: the changes since the slave's sync point, in batches that "
            + "each advance it. An interrupted copy resumes where it stopped. Exits non-zero on any failure."})
final class MirrorCopyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    MirrorOptionsMixin options;

    @Parameters(index = "0", paramLabel = "SRC", description = "The source PFS (master or slave).")
    String src;

    @Parameters(index = "1", paramLabel = "DST", description = "The slave PFS.")
    String dst;

    @Override
    public Integer call() {
        MirrorOptions o = options.toOptions(Main.verbosity(spec.root().commandLine().getParseResult()), System.err)
                .withTwoWay(true);
        long t0 = System.nanoTime();
        MirrorStats s;
        try (PfsPath source = PfsPath.resolve(src); LocalTarget target = new LocalTarget(dst,
                q -> MirrorWriteCommand.confirm(o, q))) {
            s = MirrorCopy.run((in, out) -> new MirrorSource(source.store(), source.pfs(), src, o).run(in, out),
                    (in, out) -> new MirrorTarget(target, dst, o).run(in, out));
        }
        if (!o.quiet()) {
            double secs = (System.nanoTime() - t0) / 1e9;
            System.err.printf("Mirror-copy %s to %s %s: %d batches, %d records, %d bytes in %.2f s, slave at %s%n",
                    src, dst, s.interrupted() ? "interrupted (resumable)" : "succeeded", s.batches(), s.records(),
                    s.wireBytes(), secs, Tid.format(s.syncedTid()));
        }
        return 0;
    }
}
