package org.hammer.cli;

import java.util.concurrent.Callable;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.MirrorOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mirror-prune}: retention for a chain in a bucket, never breaking it. */
@Command(name = "mirror-prune", description = {
    "Keep the newest KEEP restore points of the chain s3://BUCKET/PREFIX and delete the objects no kept point "
            + "needs. When the oldest kept point is reached only through objects that go, a new base as of that "
            + "point is made first (the chain restored into a scratch store and sent from there), so no "
            + "incremental is ever left without its base; a killed run leaves a restorable chain. Also removes "
            + "objects and uploads left by killed runs. It holds the chain's lock: an upload running meanwhile "
            + "makes it exit 3, and an upload started meanwhile exits 3 (S3.md)."})
final class MirrorPruneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    S3OptionsMixin s3;

    @Option(names = "--keep", paramLabel = "KEEP", required = true,
            description = "How many restore points (the newest) to keep, at least 1.")
    int keep;

    @Option(names = "-q", description = "Quiet: no summary.")
    boolean quiet;

    @Parameters(index = "0", paramLabel = "CHAIN", description = "The chain, s3://BUCKET/PREFIX.")
    String chain;

    @Override
    public Integer call() {
        if (!org.hammer.s3.S3Url.is(chain)) {
            throw HammerException.usage(chain + ": not an s3:// chain (prune a PFS with hammer prune)");
        }
        int v = Main.verbosity(spec.root().commandLine().getParseResult());
        MirrorOptions o = new MirrorOptions(false, true, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, v, quiet,
                System.err);
        String summary = S3Commands.prune(chain, s3, keep, o);
        if (!quiet) {
            System.err.println("Mirror-prune " + chain + ": " + summary);
        }
        return 0;
    }
}
