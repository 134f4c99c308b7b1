package org.hammer.cli.fuse;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.ErrorSink;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.OpenFiles;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;

/**
 * The store as one mount operation sees it: a snapshot (or the open write transaction, for
 * changes), with PFS configs read once per operation, or once per snapshot where operations
 * share one ({@link SnapshotConfigs}): a slave's sync-end-tid moves with every commit that moves
 * it, and is never kept past it.
 */
final class Ctx {
    /** What a PFS without a root yet (a new slave) shows: an empty, read-only directory. */
    static final Inode EMPTY_ROOT = new Inode(Inode.S_IFDIR | 0755, 0, 0, 2, 0, 0, 0, 0, 0, FsReader.ROOT);

    private final StoreReader r;
    private final Committer.Txn txn;
    private final Map<Integer, PfsConfig> configs = new HashMap<>(4);
    /** The configs of the last snapshot read, shared by one engine's operations; null for none. */
    private final SnapshotConfigs shared;

    /**
     * The PFS configs decoded from the newest snapshot an operation read, kept for the next
     * operations that read the same snapshot: every read request (a lookup, a stat, a read)
     * needs its PFS's config, and on a store nobody is changing they all read one snapshot. Keyed
     * by {@link StoreReader#snapshot}, which a write transaction does not have: its configs are read
     * anew by each operation, as they may change inside it.
     */
    static final class SnapshotConfigs {
        private record Kept(long snapshot, PfsConfig config) {
        }

        private final ConcurrentHashMap<Integer, Kept> kept = new ConcurrentHashMap<>();

        PfsConfig get(long snapshot, int pfs) {
            Kept k = kept.get(pfs);
            return k != null && k.snapshot() == snapshot ? k.config() : null;
        }

        void put(long snapshot, int pfs, PfsConfig c) {
            kept.put(pfs, new Kept(snapshot, c));
        }
    }

    Ctx(StoreReader r, Committer.Txn txn) {
        this(r, txn, null);
    }

    Ctx(StoreReader r, Committer.Txn txn, SnapshotConfigs shared) {
        this.r = r;
        this.txn = txn;
        this.shared = shared;
    }

    /**
     * The mount's write-back engine over {@code store}: tasks see a {@code Ctx}, objects that
     * {@code open} has open outlive their last name, the first change of a PFS in a transaction
     * stamps its lineage, and {@code probe} hears how long each commit took.
     */
    static Committer<Ctx> committer(Store store, OpenFiles open, MountProbe probe) {
        SnapshotConfigs shared = new SnapshotConfigs();
        return Committer.<Ctx>builder(store, (r, txn) -> new Ctx(r, txn, shared))
                .openFiles(open)
                .firstWrite(Pfses::writer)
                .errors(ErrorSink.stderr("hammer mount: "))
                .onCommit(probe::committed)
                .start();
    }

    StoreReader store() {
        return r;
    }

    PfsConfig config(int pfs) {
        PfsConfig c = configs.get(pfs);
        if (c == null) {
            long snapshot = shared != null ? r.snapshot() : 0;
            c = snapshot != 0 ? shared.get(snapshot, pfs) : null;
            if (c == null) {
                c = PfsTable.find(r, pfs);
                if (c == null) {
                    throw new FsException(Errno.ENOENT, String.format("PFS#%d: no such PFS", pfs));
                }
                if (snapshot != 0) {
                    shared.put(snapshot, pfs, c);
                }
            }
            configs.put(pfs, c);
        }
        return c;
    }

    /** The TID a view reads at now. */
    long asOf(View v) {
        return v.isPinned() ? v.pinned() : PfsTable.readTid(config(v.pfs()));
    }

    FsReader reader(View v) {
        return new FsReader(r, v.pfs(), asOf(v));
    }

    boolean writable(View v) {
        return !v.isPinned() && !config(v.pfs()).isSlave();
    }

    /** A writer of the view's PFS in the open transaction, or EROFS for a slave or a pinned view. */
    FsWriter writer(View v) {
        if (!writable(v)) {
            throw new FsException(Errno.EROFS, String.format("PFS#%d: read-only here", v.pfs()));
        }
        if (txn == null) {
            throw new IllegalStateException("a change outside the writer thread");
        }
        return txn.writer(v.pfs());
    }

    /** The attributes of a node; a missing root shows as {@link #EMPTY_ROOT}. */
    Inode getattr(Node n) {
        FsReader f = reader(n.view());
        if (n.ino() == FsReader.ROOT && !f.exists(FsReader.ROOT)) {
            return EMPTY_ROOT;
        }
        return f.getattr(n.ino());
    }
}
