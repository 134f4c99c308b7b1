package org.hammer.cli.fuse;

import java.util.HashMap;
import java.util.Map;
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
 * changes), with PFS configs read once per operation so a slave's moving sync-end-tid is never
 * cached across operations.
 */
final class Ctx {
    /** What a PFS without a root yet (a new slave) shows: an empty, read-only directory. */
    static final Inode EMPTY_ROOT = new Inode(Inode.S_IFDIR | 0755, 0, 0, 2, 0, 0, 0, 0, 0, FsReader.ROOT);

    private final StoreReader r;
    private final Committer.Txn txn;
    private final Map<Integer, PfsConfig> configs = new HashMap<>(4);

    Ctx(StoreReader r, Committer.Txn txn) {
        this.r = r;
        this.txn = txn;
    }

    /**
     * The mount's write-back engine over {@code store}: tasks see a {@code Ctx}, objects that
     * {@code open} has open outlive their last name, the first change of a PFS in a transaction
     * stamps its lineage, and {@code probe} hears how long each commit took.
     */
    static Committer<Ctx> committer(Store store, OpenFiles open, MountProbe probe) {
        return Committer.builder(store, Ctx::new)
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
            c = PfsTable.find(r, pfs);
            if (c == null) {
                throw new FsException(Errno.ENOENT, String.format("PFS#%d: no such PFS", pfs));
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
