package org.hammer.core.cpdup;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreWriter;

/**
 * A PFS as the target of a copy. The walk runs in write transactions of about {@link #BATCH_BYTES}
 * of data or {@link #BATCH_OBJECTS} created or removed objects each (every commit costs an fsync,
 * cheap since large values go past the page cache, and a batch's dirty pages are fresh memory:
 * 16 MiB rather than 64 took 8 % off a 1 GiB import and 40 MB off its memory, bench/PROFILE.md §2);
 * a batch that changed nothing is rolled back, so an up-to-date tree adds no TID. A file is
 * written into an object without a name and linked in the transaction of its last piece; one
 * still unnamed when a batch commits is recorded ({@link Staging}) in that same commit, so that a
 * copy killed mid-file leaves nothing visible and the next copy gives its room back.
 */
final class PfsTarget implements TargetTree<Long> {
    static final long BATCH_BYTES = 16L << 20;
    static final int BATCH_OBJECTS = 2000;
    /** Bounds how long an unchanged stretch of tree holds the store's write lock. */
    static final int BATCH_STEPS = 20_000;

    private final Store store;
    private final int pfs;
    private final long dir;
    private final String name;
    private final List<String> missing;
    private final String describe;
    private StoreWriter w;
    private FsWriter fs;
    /** Staged files not placed yet, and those of them recorded as staged in a commit. */
    private final Set<Long> unnamed = new HashSet<>();
    private final Set<Long> recorded = new HashSet<>();
    private long bytes;
    private int objects;
    private boolean dirty;
    private long commits;

    /** Unwinds a batch that changed nothing; the store then aborts its transaction. */
    private static final class Unchanged extends HammerException {
        Unchanged() {
            super(Kind.INTERNAL, "nothing changed");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The destination is {@code name} in directory {@code dir}, or {@code dir} itself when name is
     * null; {@code missing} names directories to create below {@code dir} first (the last one is
     * the destination).
     */
    PfsTarget(Store store, int pfs, long dir, String name, List<String> missing, String describe) {
        this.store = store;
        this.pfs = pfs;
        this.dir = dir;
        this.name = name;
        this.missing = List.copyOf(missing);
        this.describe = describe;
    }

    long commits() {
        return commits;
    }

    @Override
    public void run(BooleanSupplier step, Runnable committed) {
        try {
            Staging.recover(store, pfs);
        } catch (HammerException e) {
            // The store is full or failing: the copy will say so; the next one tries again.
        }
        boolean[] more = {true};
        while (more[0]) {
            try {
                store.write(tx -> {
                    w = tx;
                    fs = Pfses.writer(tx, pfs);
                    bytes = 0;
                    objects = 0;
                    dirty = false;
                    for (int steps = 0; bytes < BATCH_BYTES && objects < BATCH_OBJECTS && steps < BATCH_STEPS;
                            steps++) {
                        if (!step.getAsBoolean()) {
                            more[0] = false;
                            break;
                        }
                    }
                    if (!dirty) {
                        throw new Unchanged();
                    }
                    for (long ino : unnamed) {
                        if (recorded.add(ino)) {
                            Staging.mark(tx, pfs, ino);
                        }
                    }
                    return null;
                });
                commits++;
            } catch (Unchanged e) {
                // rolled back: the batch only looked
            } finally {
                fs = null;
                w = null;
            }
            committed.run();
        }
    }

    private FsWriter change(int newObjects) {
        dirty = true;
        objects += newObjects;
        return fs;
    }

    @Override
    public Long prepare() {
        long d = dir;
        for (int i = 0; i < missing.size() - 1; i++) {
            d = change(1).mkdir(d, missing.get(i), 0755, 0, 0);
        }
        return d;
    }

    @Override
    public String destName() {
        return missing.isEmpty() ? name : missing.get(missing.size() - 1);
    }

    @Override
    public Found<Long> lookup(Long d, String n) {
        long c = fs.find(d, n);
        return c == 0 ? null : new Found<>(c, stat(c));
    }

    @Override
    public Meta stat(Long node) {
        return Meta.of(node, fs.getattr(node));
    }

    @Override
    public List<String> list(Long d) {
        List<String> names = new ArrayList<>();
        for (Entry e : fs.list(d)) {
            names.add(e.name());
        }
        return names;
    }

    @Override
    public String readlink(Long node) {
        return fs.readlink(node);
    }

    /**
     * Removes {@code d/n}, except a PFS's {@code @@PFS%05d} link in PFS #0: without it the PFS
     * could no longer be reached by path (pfs-destroy is how a PFS goes).
     */
    @Override
    public long remove(Long d, String n) {
        long c = fs.lookup(d, n);
        Inode i = fs.getattr(c);
        if (pfs == 0 && i.isSymlink() && AsOfName.linkedPfs(fs.readlink(c)) >= 0) {
            return 0;
        }
        if (!i.isDir()) {
            change(1).unlink(d, n);
            return 1;
        }
        long count = 0;
        for (Entry e : fs.list(c)) {
            count += remove(c, e.name());
        }
        if (fs.list(c).isEmpty()) {
            change(1).rmdir(d, n);
            count++;
        }
        return count;
    }

    @Override
    public Long mkdir(Long d, String n, Meta want) {
        return change(1).mkdir(d, n, want.perm(), want.uid(), want.gid());
    }

    @Override
    public Long stage(Long d, String n, Meta want) {
        long ino = change(1).mkunnamed(d, want.perm(), want.uid(), want.gid());
        unnamed.add(ino);
        return ino;
    }

    /** Links the staged file at {@code d/n}, replacing the file (or symlink, or node) there. */
    @Override
    public Long place(Long staged, Long d, String n) {
        long cur = pfs == 0 ? fs.find(d, n) : 0;
        if (cur != 0 && fs.getattr(cur).isSymlink() && AsOfName.linkedPfs(fs.readlink(cur)) >= 0) {
            throw new FsException(Errno.EEXIST, n + ": a PFS link, which stays (pfs-destroy removes a PFS)");
        }
        change(1).place(staged, d, n);
        forget(staged);
        return staged;
    }

    /**
     * Drops a staged file: in the current batch, or, after a batch failed, in a transaction of
     * its own when an earlier commit holds part of it (the commit that recorded it: a failed
     * batch leaves the walk over, so the store, not this object, says what was committed).
     */
    @Override
    public void discard(Long staged) {
        if (fs != null) {
            change(0).discard(staged);
            forget(staged);
            return;
        }
        unnamed.remove(staged);
        recorded.remove(staged);
        if (store.read(r -> r.meta(Staging.key(pfs, staged)) != null)) {
            store.write(tx -> {
                FsWriter f = Pfses.writer(tx, pfs);
                if (f.exists(staged)) {
                    f.discard(staged);
                }
                Staging.unmark(tx, pfs, staged);
                return null;
            });
        }
    }

    private void forget(long staged) {
        unnamed.remove(staged);
        if (recorded.remove(staged)) {
            Staging.unmark(w, pfs, staged);
        }
    }

    @Override
    public void write(Long file, long offset, ByteBuffer src, int[] crcs) {
        bytes += src.remaining();
        change(0).write(file, offset, src, crcs);
    }

    /** The checksums a run of data is stored with here, made by a source as it reads it. */
    static int[] checksums(long offset, ByteBuffer data) {
        return FsWriter.pieceCrcs(offset, data);
    }

    @Override
    public void setSize(Long file, long size) {
        if (fs.getattr(file).size() != size) {
            change(0).truncate(file, size);
        }
    }

    @Override
    public Long symlink(Long d, String n, String target, Meta want) {
        return change(1).symlink(d, n, target, want.uid(), want.gid());
    }

    @Override
    public Long mknod(Long d, String n, Meta want) {
        return change(1).mknod(d, n, want.mode(), want.uid(), want.gid(), want.rdev());
    }

    @Override
    public void link(Long existing, Long d, String n) {
        change(1).link(existing, d, n);
    }

    @Override
    public FileId id(Long node) {
        return new FileId(0, node);
    }

    @Override
    public boolean sameAttrs(Meta want, Meta have) {
        return (want.isSymlink() || want.perm() == have.perm()) && want.uid() == have.uid()
                && want.gid() == have.gid() && want.mtimeNs() == have.mtimeNs();
    }

    @Override
    public void setAttrs(Long node, Meta want) {
        Inode i = fs.getattr(node);
        int perm = want.isSymlink() ? i.mode() & 07777 : want.perm();
        change(0).setAttrs(node, perm, want.uid(), want.gid(), want.atimeNs(), want.mtimeNs());
    }

    @Override
    public SortedMap<String, byte[]> xattrs(Long node, Meta meta) {
        SortedMap<String, byte[]> out = new TreeMap<>();
        for (String n : fs.listxattr(node)) {
            out.put(n, fs.getxattr(node, n));
        }
        return out;
    }

    @Override
    public void setXattr(Long node, String n, byte[] value) {
        change(0).setxattr(node, n, value);
    }

    @Override
    public void removeXattr(Long node, String n) {
        change(0).removexattr(node, n);
    }

    @Override
    public String describe() {
        return describe;
    }
}
