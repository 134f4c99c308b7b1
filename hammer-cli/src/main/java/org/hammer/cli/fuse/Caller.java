package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;

/**
 * Who asks, from the FUSE request, and the POSIX permission rules as a local filesystem applies
 * them to it. The kernel checks first ({@code default_permissions}), with the attributes it has
 * (a file's fetched fresh, a directory's kept as long as names); the mount checks again here, on
 * the store's current state, every request that reaches it, and alone applies what the kernel
 * leaves to a filesystem (dropping set-group-id on a write, hiding trusted.* names). uid 0 passes
 * every check but execution, which needs some execute bit on a file; supplementary groups are
 * read from {@code /proc} only when a check depends on them.
 */
final class Caller {
    static final int R = 4;
    static final int W = 2;
    static final int X = 1;
    /** The mount's own lookups, and tests. */
    static final Caller ROOT = new Caller(0, 0, 0);

    final int uid;
    final int gid;
    private final int pid;
    private int[] groups;

    Caller(int uid, int gid, int pid) {
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
    }

    boolean root() {
        return uid == 0;
    }

    boolean owns(Inode i) {
        return root() || i.uid() == uid;
    }

    /** True when {@code g} is the caller's group or one of its supplementary groups. */
    boolean inGroup(int g) {
        if (g == gid) {
            return true;
        }
        if (groups == null) {
            groups = readGroups(pid);
        }
        for (int x : groups) {
            if (x == g) {
                return true;
            }
        }
        return false;
    }

    /** Whether the caller may read, write or execute/search ({@code mask} of R, W, X) {@code i}. */
    boolean may(Inode i, int mask) {
        int mode = i.mode();
        if (root()) {
            return (mask & X) == 0 || i.isDir() || (mode & 0111) != 0;
        }
        int bits;
        if (i.uid() == uid) {
            bits = mode >> 6;
        } else if (((mode >> 3) & mask) == (mode & mask)) {
            bits = mode; // the group class grants what others get: membership does not matter
        } else {
            bits = inGroup(i.gid()) ? mode >> 3 : mode;
        }
        return (bits & mask) == mask;
    }

    /** EACCES unless {@link #may}. */
    void check(Inode i, int mask, String what) {
        if (!may(i, mask)) {
            throw new FsException(Errno.EACCES, what + ": permission denied");
        }
    }

    /** The sticky-directory rule: only the owner of the entry or of the directory removes or renames it. */
    void checkSticky(Inode dir, Inode victim, String what) {
        if ((dir.mode() & Inode.S_ISVTX) != 0 && !root() && dir.uid() != uid && victim.uid() != uid) {
            throw new FsException(Errno.EPERM, what + ": sticky directory");
        }
    }

    /** EPERM unless the caller owns {@code i}. */
    void checkOwner(Inode i, String what) {
        if (!owns(i)) {
            throw new FsException(Errno.EPERM, what + ": not the owner");
        }
    }

    /** The supplementary groups of a process (thread), from its {@code status}; none if unreadable. */
    static int[] readGroups(int pid) {
        if (pid <= 0) {
            return new int[0];
        }
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    String list = line.substring(7).trim();
                    return list.isEmpty() ? new int[0]
                            : Arrays.stream(list.split("\\s+")).mapToInt(Integer::parseInt).toArray();
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process is gone or /proc unreadable: no supplementary groups.
        }
        return new int[0];
    }
}
