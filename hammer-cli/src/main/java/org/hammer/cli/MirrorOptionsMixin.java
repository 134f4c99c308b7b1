package org.hammer.cli;

import java.io.PrintStream;
import org.hammer.core.HammerException;
import org.hammer.core.mirror.MirrorOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options every mirror command shares (hammer's -2 -y -q), and hammer(8)'s -B and -c, accepted
 * or refused with what replaces them so that its scripts keep working or say what to change.
 */
final class MirrorOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "-2", description = "Two-way protocol: the target tells the source where it stands, so the "
            + "source sends only what the target lacks (always on for mirror-copy and mirror-stream).")
    boolean twoWay;

    @Option(names = "-y", description = "Create a missing slave PFS without asking, with the source's shared-uuid.")
    boolean yes;

    @Option(names = "-q", description = "Quiet: no progress line or summary messages.")
    boolean quiet;

    @Option(names = "-B", hidden = true, description = "Accepted for hammer(8) scripts (bulk: no histogram prescan). Batches are cut "
            + "by size (-S) as they are read, with no prescan to turn off, so it changes nothing.")
    boolean bulk;

    @Option(names = "-c", paramLabel = "CYCLEFILE", hidden = true, description = "Refused: hammer(8)'s cycle file. The slave keeps "
            + "its own resume point (its sync-end-tid and resume cursor), so a two-way run (-2, mirror-copy) resumes "
            + "by itself; one-way, give mirror-read the BEGIN-TID that mirror-write printed.")
    void cycleFile(String file) {
        throw new ParameterException(command.commandLine(), "-c " + file + ": cycle files are not used: the slave keeps its own resume point,"
                + " so mirror-copy (or -2) resumes by itself; one-way, give mirror-read BEGIN-TID (the TID after"
                + " 'Source can update synctid to' of mirror-write)");
    }

    MirrorOptions toOptions(int verbose, PrintStream log) {
        return toOptions(verbose, log, null);
    }

    /** The options of a run; {@code reader} null for mirror-write (the reader's options do nothing there). */
    MirrorOptions toOptions(int verbose, PrintStream log, ReaderOptionsMixin reader) {
        if (reader == null) {
            return new MirrorOptions(twoWay, yes, 0, 0, 0, MirrorOptions.DEFAULT_BATCH, null, verbose, quiet, log);
        }
        int level = reader.zstdLevel != null ? reader.zstdLevel : reader.zstd ? 3 : 0;
        long bw = reader.bandwidth == null ? 0 : MirrorOptions.parseSize("-b", reader.bandwidth);
        long s = reader.batch == null ? MirrorOptions.DEFAULT_BATCH : MirrorOptions.parseSize("-S", reader.batch);
        if (reader.timeout < 0) {
            throw HammerException.usage("-t " + reader.timeout + ": expected seconds >= 0");
        }
        return new MirrorOptions(twoWay, yes, level, bw, reader.timeout, s, null, verbose, quiet, log);
    }
}
