package org.hammer.core.prune;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hammer.core.tid.Tid;

/** The lines hammer(8) prints around a prune (HAMMER.md §3.5). */
public final class PruneReport {
    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss", Locale.US).withZone(ZoneId.systemDefault());

    private PruneReport() {
    }

    /** The lines printed before pruning: snapshot count, prune-min and the gaps. */
    public static List<String> header(String path, int snapshots, int pruneMinSeconds, Retention r, int young) {
        List<String> out = new ArrayList<>();
        out.add(String.format("Prune %s: %d snapshots", path, snapshots));
        out.add(String.format("Prune %s: prune_min is %s", path, pruneMin(pruneMinSeconds)));
        for (long[] g : r.gaps()) {
            out.add(String.format("TID %s - %s", Tid.format(g[0]), Tid.format(g[1])));
        }
        if (young > 0) {
            out.add(String.format("Prune %s: prune_min: Will not clean between the teeth of the first %d snapshots",
                    path, young));
        }
        if (r.horizon() == 0) {
            out.add(String.format("Prune %s: no snapshots older than prune_min: nothing to prune", path));
        }
        return out;
    }

    /** The lines printed after pruning. */
    public static List<String> footer(String path, PruneStats s) {
        List<String> out = new ArrayList<>();
        out.add(s.interrupted()
                ? String.format("Prune %s interrupted by timer at %s", path, WHEN.format(Instant.now()))
                : String.format("Prune %s succeeded", path));
        out.add(s.summary());
        return out;
    }

    /** prune-min as hammer(8) prints it: {@code Nd/HH:MM:SS}. */
    public static String pruneMin(int seconds) {
        return String.format("%dd/%02d:%02d:%02d", seconds / 86400, seconds / 3600 % 24, seconds / 60 % 60, seconds % 60);
    }
}
