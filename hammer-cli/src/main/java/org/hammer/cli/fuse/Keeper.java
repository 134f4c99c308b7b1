package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Orphans;
import org.hammer.core.fs.Orphans.Orphan;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;

/**
 * A mount daemon as the keeper of the orphans it leaves in a store (files unlinked while open):
 * the owner text it stores with each, {@code mount pid=<pid> start=<ms>}, and the reclaiming of
 * orphans whose keeper is gone (a daemon killed with SIGKILL, told by its pid and start time) when
 * a mount starts, and of its own when it ends.
 */
final class Keeper {
    private static final Pattern OWNER = Pattern.compile("mount pid=(\\d+) start=(\\d+)");

    private final String owner;

    private Keeper(String owner) {
        this.owner = owner;
    }

    /** This process. */
    static Keeper self() {
        ProcessHandle me = ProcessHandle.current();
        return new Keeper(text(me.pid(), me.info().startInstant()));
    }

    private static String text(long pid, Optional<Instant> start) {
        return "mount pid=" + pid + " start=" + start.map(Instant::toEpochMilli).orElse(0L);
    }

    String owner() {
        return owner;
    }

    /**
     * True when the process that wrote {@code owner} is gone: no such pid, a zombie, or another
     * process under a reused pid. An owner text of another form is left alone.
     */
    static boolean gone(String owner) {
        Matcher m = OWNER.matcher(owner);
        if (!m.matches()) {
            return false;
        }
        long pid = Long.parseLong(m.group(1));
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isEmpty() || zombie(pid) || !text(pid, h.get().info().startInstant()).equals(owner);
    }

    /** A process that exited and was not reaped yet: its state in /proc/PID/stat is Z. */
    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true; // gone meanwhile
        }
    }

    /** Reclaims, in one transaction, the orphans of masters whose keeper is gone; returns how many. */
    int reclaimAbandoned(Committer<Ctx> committer) {
        return reclaim(committer, false);
    }

    /** Reclaims this keeper's own orphans (the mount is over, no handle is left); returns how many. */
    int reclaimOwn(Committer<Ctx> committer) {
        return reclaim(committer, true);
    }

    /** Reclaims the orphans {@link #due}; a store without any is not written to (no new TID). */
    private int reclaim(Committer<Ctx> committer, boolean own) {
        if (committer.read(ctx -> due(ctx, own)).isEmpty()) {
            return 0;
        }
        return committer.write(ctx -> {
            int n = 0;
            for (Orphan o : due(ctx, own)) {
                if (ctx.writer(View.current(o.pfs())).reclaim(o.ino())) {
                    n++;
                }
            }
            return n;
        }, 0);
    }

    /** The orphans of masters that are this keeper's ({@code own}), or else whose keeper is gone. */
    private List<Orphan> due(Ctx ctx, boolean own) {
        return Orphans.list(ctx.store()).stream().filter(o -> {
            PfsConfig c = PfsTable.find(ctx.store(), o.pfs());
            return c != null && !c.isSlave() && (own ? o.owner().equals(owner) : gone(o.owner()));
        }).toList();
    }
}
