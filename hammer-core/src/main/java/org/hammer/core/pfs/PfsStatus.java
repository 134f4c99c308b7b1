package org.hammer.core.pfs;

import org.hammer.core.tid.Tid;

/** The status block hammer(8) prints for a PFS (HAMMER.md §1.3). */
public final class PfsStatus {
    private PfsStatus() {
    }

    public static String block(PfsConfig c, long syncEndTid) {
        StringBuilder b = new StringBuilder();
        line(b, "sync-beg-tid=" + Tid.format(c.syncBegTid()));
        line(b, "sync-end-tid=" + Tid.format(syncEndTid));
        line(b, "shared-uuid=" + c.sharedUuid());
        line(b, "unique-uuid=" + c.uniqueUuid());
        line(b, "label=\"" + c.label() + "\"");
        if (c.snapshots() != null) {
            line(b, "snapshots=\"" + c.snapshots() + "\"");
        }
        line(b, "prune-min=" + formatPruneMin(c.pruneMinSeconds()));
        line(b, c.isSlave() ? "operating as a SLAVE" : "operating as a MASTER");
        if (c.snapshots() == null) {
            line(b, c.isSlave() ? "snapshots directory not set for slave"
                    : "snapshots dir for master defaults to <fs>/snapshots");
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String s) {
        b.append("    ").append(s).append('\n');
    }

    /** HH:MM:SS below a day, Nd for whole days, Nd/HH:MM:SS otherwise. */
    public static String formatPruneMin(int seconds) {
        int days = seconds / 86400;
        int rest = seconds % 86400;
        String hms = String.format("%02d:%02d:%02d", rest / 3600, rest / 60 % 60, rest % 60);
        if (days == 0) {
            return hms;
        }
        return rest == 0 ? days + "d" : days + "d/" + hms;
    }
}
