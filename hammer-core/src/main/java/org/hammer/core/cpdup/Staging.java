package org.hammer.core.cpdup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.store.StoreWriter;

/**
 * The files a PFS target has staged: created without a name and filled over several commits
 * ({@link FsWriter#mkunnamed}). Each is recorded in the PFS's own metadata (never mirrored,
 * removed with the PFS), with the process that staged it, in the transaction that creates it, and
 * forgotten in the one that names or discards it. A copy killed in the middle of a file thus
 * leaves an unnamed object, which nothing shows, and its record: the next copy into that PFS
 * discards it once the process that staged it is gone, giving its room back.
 */
final class Staging {
    private static final String NAME = "cpdup-staged/";

    private Staging() {
    }

    static String prefix(int pfs) {
        return PfsTable.dataKey(pfs, NAME);
    }

    static String key(int pfs, long ino) {
        return prefix(pfs) + String.format("%016x", ino);
    }

    /** Records, in the transaction that creates it, that this process staged {@code ino}. */
    static void mark(StoreWriter w, int pfs, long ino) {
        ProcessHandle self = ProcessHandle.current();
        w.putMeta(key(pfs, ino), (self.pid() + " " + started(self)).getBytes(StandardCharsets.UTF_8));
    }

    /** Forgets {@code ino}, in the transaction that names or discards it. */
    static void unmark(StoreWriter w, int pfs, long ino) {
        w.deleteMeta(key(pfs, ino));
    }

    /**
     * Discards what copies that are no longer running left staged in {@code pfs}; returns how
     * many files. A copy still running (another process) keeps its own.
     */
    static int recover(Store store, int pfs) {
        List<String> left = store.read(r -> abandoned(r, pfs));
        if (left.isEmpty()) {
            return 0;
        }
        return store.write(w -> {
            FsWriter fs = Pfses.writer(w, pfs);
            int n = 0;
            for (String key : abandoned(w, pfs)) {
                long ino = Long.parseUnsignedLong(key.substring(prefix(pfs).length()), 16);
                Inode i = fs.exists(ino) ? fs.getattr(ino) : null;
                if (i != null && i.nlink() == 0 && i.isRegular()) {
                    fs.discard(ino);
                    n++;
                }
                w.deleteMeta(key);
            }
            return n;
        });
    }

    private static List<String> abandoned(StoreReader r, int pfs) {
        List<String> out = new ArrayList<>();
        r.scanMeta(prefix(pfs), (k, v) -> {
            if (!running(new String(v, StandardCharsets.UTF_8))) {
                out.add(k);
            }
            return true;
        });
        return out;
    }

    /** True when the process {@code "<pid> <start millis>"} names is still running. */
    private static boolean running(String owner) {
        String[] p = owner.split(" ");
        try {
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(p[0]));
            return h.isPresent() && h.get().isAlive() && started(h.get()) == Long.parseLong(p[1]);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long started(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
