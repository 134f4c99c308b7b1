package org.hammer.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.lmdb.Posix;

/**
 * Reserves disk blocks for the data file ahead of a store that grows fast. LMDB appends a
 * commit's new pages with pwrite; into blocks the filesystem has already allocated (fallocate)
 * that copy costs about half as much and the commit's flush less, so a large write commits
 * sooner. Only commits that grow the file by at least {@value #TRIGGER} bytes reserve anything —
 * four times their growth, at most {@value #MAX_AHEAD} bytes — so small stores stay small.
 * Best effort: a filesystem without fallocate, or a full one, just goes without.
 */
final class Preallocator {
    static final long TRIGGER = 4L << 20;
    static final long MAX_AHEAD = 512L << 20;
    private static volatile boolean unavailable;

    private final Path file;
    private long lastUsed = -1;
    /** How far the file is known to be allocated (its length when last looked at). */
    private long allocated = -1;

    Preallocator(Path file) {
        this.file = file;
    }

    /**
     * After a commit: {@code used} bytes of the file are in use now, and at least {@code slack}
     * bytes past them should exist (fallocate only ever grows a file, so a concurrent writer in
     * another process loses nothing). Called by the writer only.
     */
    void committed(long used, long slack) {
        long grown = lastUsed < 0 ? 0 : used - lastUsed;
        lastUsed = used;
        if (unavailable) {
            return;
        }
        if (allocated < used + slack) {
            allocated = length();
            if (allocated < used + slack && reserve(Math.max(allocated, used), used + 2 * slack)) {
                allocated = used + 2 * slack;
            }
        }
        if (grown < TRIGGER) {
            return;
        }
        if (allocated < used) {
            allocated = length();
        }
        long ahead = Math.min(MAX_AHEAD, 4 * grown);
        if (used + ahead / 2 <= allocated) {
            return;
        }
        long target = used + ahead;
        if (reserve(Math.max(allocated, used), target)) {
            allocated = target;
        }
    }

    private long length() {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    private boolean reserve(long from, long to) {
        try {
            // A failure (no fallocate here, no space left) leaves the file as it was.
            return Posix.fallocate(file, from, to - from) == 0;
        } catch (LinkageError | RuntimeException e) {
            unavailable = true;
            return false;
        }
    }
}
