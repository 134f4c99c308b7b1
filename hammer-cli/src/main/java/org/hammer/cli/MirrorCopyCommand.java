package org.hammer.cli;

import java.io.PrintWriter;
import org.hammer.core.mirror.MirrorLink;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorStats;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mirror-copy}: brings a slave up to date with its source, two-way, in one run. */
@Command(name = "mirror-copy", description = {
    "Bring the slave DST up to date with SRC: the changes since the slave's sync point, in batches that "
            + "each advance it. An interrupted copy resumes where it stopped. Exits non-zero on any failure.",
    "Refused (exit code 3): a DST paired with another master (shared-uuid), a master, one that diverged from "
            + "SRC, or one whose sync-end-tid is beyond every TID of SRC; the message names the TIDs and the "
            + "command that repairs it.",
    "When standard error is a terminal, a progress line (records and bytes, rate, share done and time left, "
            + "from the count of changes the source has to send) is redrawn on it, unless -q; -v prints a line "
            + "per batch."})
final class MirrorCopyCommand extends ShortCommand {
    @Mixin
    MirrorOptionsMixin options;

    @Mixin
    ReaderOptionsMixin reader;

    @Mixin
    RemoteOptionsMixin remote;

    @Option(names = "-i", paramLabel = "DELAY", hidden = true,
            description = "Accepted for hammer(8) scripts: the delay between streaming batches (mirror-stream's).")
    String delay;

    @Mixin
    S3OptionsMixin s3;

    @Option(names = "--full", description = "To an s3:// chain: send a new base (the whole PFS) instead of an "
            + "incremental.")
    boolean full;

    @Option(names = "--base-every", paramLabel = "DAYS", description = "To an s3:// chain: send a new base instead "
            + "of an incremental when the chain's newest base is DAYS days old or older (by the dates in its "
            + "manifest), so that mirror-prune can drop old objects without making a base itself.")
    Integer baseEvery;

    @Option(names = "--partial", description = "From an s3:// chain: apply objects as they are checked, so a damaged "
            + "one leaves the slave at the last good TID (default: check every object first, apply nothing if one "
            + "is damaged).")
    boolean partial;

    @Parameters(index = "0", paramLabel = "SRC",
            description = "The source PFS (master or slave), local or [user@]host:path, or a chain "
                    + "s3://BUCKET/PREFIX[@@0x<tid>] to restore from.")
    String src;

    @Parameters(index = "1", paramLabel = "DST",
            description = "The slave PFS, local or [user@]host:path, or a chain s3://BUCKET/PREFIX to upload to.")
    String dst;

    /** {@code [-q] [-y] SRC DST}, both local or [user@]host:path. */
    @Override
    boolean plain(java.util.List<String> args) {
        MirrorOptionsMixin m = new MirrorOptionsMixin();
        java.util.List<String> values = new java.util.ArrayList<>(2);
        for (String a : args) {
            if (a.equals("-q")) {
                m.quiet = true;
            } else if (a.equals("-y")) {
                m.yes = true;
            } else if (value(a) && !org.hammer.s3.S3Url.is(a)) {
                values.add(a);
            } else {
                return false;
            }
        }
        if (values.size() != 2) {
            return false;
        }
        options = m;
        reader = new ReaderOptionsMixin();
        remote = new RemoteOptionsMixin();
        s3 = new S3OptionsMixin();
        src = values.get(0);
        dst = values.get(1);
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter err = err();
        ProgressLine line = ProgressLine.of(err, options.quiet);
        MirrorOptions o = options.toOptions(verbosity(),
                LogStream.to(err, line), reader).withTwoWay(true);
        java.time.Duration every = S3OptionsMixin.baseEvery(baseEvery, dst);
        if (org.hammer.s3.S3Url.is(src) || org.hammer.s3.S3Url.is(dst)) {
            return S3Commands.copy(src, dst, o, s3, full, every, partial, q -> MirrorWriteCommand.confirm(o, q));
        }
        long t0 = System.nanoTime();
        MirrorStats s;
        try {
            s = new MirrorLink(remote.endpoint(src), remote.endpoint(dst), o, remote.shell(),
                    q -> MirrorWriteCommand.confirm(o, q), null, new MirrorProgress("mirror-copy", line)).run();
        } finally {
            line.clear();
        }
        if (!o.quiet()) {
            double secs = (System.nanoTime() - t0) / 1e9;
            err.printf("Mirror-copy %s to %s %s: %d batches, %d records, %d bytes in %.2f s, slave at %s%n",
                    src, dst, s.interrupted() ? "interrupted (resumable)" : "succeeded", s.batches(), s.records(),
                    s.wireBytes(), secs, s.syncedTid() == 0 ? "the remote's sync point" : Tid.format(s.syncedTid()));
            err.flush();
        }
        return 0;
    }
}
