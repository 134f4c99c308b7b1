package org.hammer.core.fs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.btree.DirEntry;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreHeader;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;

/**
 * POSIX-like changes to one PFS inside one write transaction. Every change adds records at the
 * transaction's TID and deletes the versions it replaces; nothing is overwritten, except a
 * record this same transaction created.
 */
public final class FsWriter extends FsReader {
    private static final long XATTR_MAX = 64 * 1024;

    private final StoreWriter w;
    private final long tid;
    private final long nowNs;
    private final OpenFiles open;

    public FsWriter(StoreWriter writer, int pfs) {
        this(writer, pfs, OpenFiles.NONE);
    }

    /** A writer that keeps an object losing its last name while {@code open} has it open as an orphan. */
    public FsWriter(StoreWriter writer, int pfs, OpenFiles open) {
        super(writer, pfs, Tid.MAX);
        this.w = writer;
        this.tid = writer.tid();
        this.nowNs = writer.nowMicros() * 1000;
        this.open = open;
    }

    public long tid() {
        return tid;
    }

    public long nowNs() {
        return nowNs;
    }

    // ---- record primitives ----

    void put(long obj, RecordType type, long key, byte[] data) {
        put(obj, type, key, ByteBuffer.wrap(data));
    }

    /**
     * {@link #put(long, RecordType, long, byte[])} of the bytes remaining in {@code data} (left as
     * they are), which the store copies once, into its page.
     */
    void put(long obj, RecordType type, long key, ByteBuffer data) {
        put(obj, type, key, data, Record.dataCrc(data));
    }

    /** As above, for {@code data} whose CRC32C is {@code dataCrc}. */
    void put(long obj, RecordType type, long key, ByteBuffer data, int dataCrc) {
        Record cur = visible(obj, type, key);
        if (cur != null && cur.key().createTid() != tid) {
            w.setDelete(cur.key(), tid, w.nowMicros());
        }
        // A version this transaction wrote has the new one's key: the insert replaces it.
        w.insert(new RecordKey(pfs, obj, type, key, tid), 0, w.nowMicros(), 0, dataCrc, data.duplicate());
    }

    /** Writes a version of {@code (obj, type, key)} where no version is visible. */
    private void insertNew(long obj, RecordType type, long key, byte[] data) {
        w.insert(Record.live(new RecordKey(pfs, obj, type, key, tid), w.nowMicros(), data));
    }

    void drop(long obj, RecordType type, long key) {
        Record cur = visible(obj, type, key);
        if (cur != null) {
            dropRecord(cur);
        }
    }

    void dropRecord(Record cur) {
        if (cur.key().createTid() == tid) {
            w.destroy(cur.key());
        } else {
            w.setDelete(cur.key(), tid, w.nowMicros());
        }
    }

    void putInode(long ino, Inode i) {
        put(ino, RecordType.INODE, 0, i.encode());
    }

    /** Creates the root directory of a new PFS. */
    public void makeRoot(int mode, int uid, int gid) {
        putInode(ROOT, new Inode(Inode.S_IFDIR | (mode & 07777), uid, gid, 2, 0, 0, nowNs, nowNs, nowNs, ROOT));
    }

    // ---- namespace ----

    static void checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "'" + name + "': invalid file name");
        }
        if (name.contains("@@")) {
            throw new FsException(Errno.EINVAL, "'" + name + "': invalid file name: @@ starts a TID (name@@0x<tid>)");
        }
        checkLength(name);
    }

    private void addEntry(long dir, String name, long child, int fileType) {
        addEntry(dir, name, child, fileType, freeSlot(dir, RecordType.DIRENTRY, name));
    }

    private void addEntry(long dir, String name, long child, int fileType, long slot) {
        insertNew(dir, RecordType.DIRENTRY, slot, new DirEntry(child, fileType, name).encode());
    }

    /**
     * The visible entry of {@code name} in {@code dir} (or null), and the key a new entry of that
     * name takes once that one is gone: what {@link #entryRecord} and then {@link #freeSlot} after
     * dropping it give, in one scan of the name's hash range.
     */
    private NameSlot nameSlot(long dir, String name) {
        long h = DirEntry.hashKey(name);
        Record[] found = new Record[1];
        long[] slot = {h};
        boolean[] gap = new boolean[1];
        scanVisible(dir, RecordType.DIRENTRY, h, h + 0x10000, true, rec -> {
            boolean named = found[0] == null && DirEntry.decode(rec.data()).name().equals(name);
            if (named) {
                found[0] = rec;
            }
            if (!gap[0]) {
                if (rec.key().key() == slot[0] && !named) {
                    slot[0]++;
                } else {
                    gap[0] = true;
                }
            }
            return found[0] == null || !gap[0];
        });
        if (slot[0] >= h + DirEntry.NAMES_PER_HASH) {
            throw new FsException(Errno.ENOSPC, name + ": too many names with the same hash");
        }
        return new NameSlot(found[0], slot[0]);
    }

    private record NameSlot(Record entry, long free) {
    }

    /** The first key of the name's hash range that no live record of {@code (obj, type)} uses. */
    private long freeSlot(long obj, RecordType type, String name) {
        long h = DirEntry.hashKey(name);
        long[] slot = {h};
        scanVisible(obj, type, h, h + 0x10000, false, rec -> {
            if (rec.key().key() != slot[0]) {
                return false;
            }
            slot[0]++;
            return true;
        });
        if (slot[0] >= h + (type == RecordType.DIRENTRY ? DirEntry.NAMES_PER_HASH : 0x10000)) {
            throw new FsException(Errno.ENOSPC, name + ": too many names with the same hash");
        }
        return slot[0];
    }

    private void touchDir(long dir, int nlinkDelta) {
        Inode d = getattr(dir);
        putInode(dir, d.withNlink(d.nlink() + nlinkDelta).withTimes(d.atimeNs(), nowNs, nowNs));
    }

    private long newObject(long dir, String name, Inode inode) {
        checkName(name);
        dir(dir);
        NameSlot at = nameSlot(dir, name);
        if (at.entry() != null) {
            throw new FsException(Errno.EEXIST, name + ": file exists");
        }
        long ino = Math.max(w.maxObj(pfs), ROOT) + 1;
        putInode(ino, inode);
        addEntry(dir, name, ino, inode.fileType(), at.free());
        touchDir(dir, inode.isDir() ? 1 : 0);
        return ino;
    }

    /** Creates a regular file, fifo, socket or device node. */
    public long mknod(long dir, String name, int mode, int uid, int gid, long rdev) {
        int type = mode & Inode.S_IFMT;
        if (type == 0) {
            mode |= Inode.S_IFREG;
        } else if (type == Inode.S_IFDIR || type == Inode.S_IFLNK) {
            throw new FsException(Errno.EINVAL, name + ": mknod cannot make a directory or symlink");
        }
        return newObject(dir, name, new Inode(mode, uid, gid, 1, 0, rdev, nowNs, nowNs, nowNs, dir, counted(mode)));
    }

    /**
     * The block count a new object of {@code mode} starts with: none stored (0) for a regular file
     * in a store whose format counts them, else {@link Inode#UNCOUNTED}.
     */
    private long counted(int mode) {
        return (mode & Inode.S_IFMT) == Inode.S_IFREG && w.format() >= StoreHeader.COUNTED_INODES ? 0 : Inode.UNCOUNTED;
    }

    /**
     * Creates a regular file that no directory names yet (no link): cpdup fills it over several
     * transactions and names it with {@link #link} in the last one, so that it appears whole or
     * not at all, also after a crash.
     */
    public long mkunnamed(long dir, int mode, int uid, int gid) {
        dir(dir);
        long ino = Math.max(w.maxObj(pfs), ROOT) + 1;
        putInode(ino, new Inode(Inode.S_IFREG | (mode & 07777), uid, gid, 0, 0, 0, nowNs, nowNs, nowNs, dir,
                counted(Inode.S_IFREG)));
        return ino;
    }

    /**
     * Names a file from {@link #mkunnamed} {@code dir/name}, replacing a file (or symlink, or
     * node) of that name in the same step, as rename(2) would; a directory there is EISDIR.
     */
    public void place(long ino, long dir, String name) {
        checkName(name);
        Inode i = getattr(ino);
        dir(dir);
        NameSlot at = nameSlot(dir, name);
        Record e = at.entry();
        if (e != null) {
            long old = DirEntry.decode(e.data()).child();
            Inode oi = getattr(old);
            if (oi.isDir()) {
                throw new FsException(Errno.EISDIR, name + ": is a directory");
            }
            dropRecord(e);
            releaseLink(old, oi);
        }
        addEntry(dir, name, ino, i.fileType(), at.free());
        putInode(ino, i.withNlink(i.nlink() + 1).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
        touchDir(dir, 0);
    }

    /**
     * Empties a file that never had a name (one from {@link #mkunnamed} whose copy failed). Its
     * data and attributes go at once, every version, being part of no state anyone could see (so
     * a full store gets its room back, which deleting them as history would first cost). It stays
     * an empty object without a name, so that its id is never handed out again: a slave that
     * mirrored part of it keeps that part, unreachable behind the empty inode, and a reused id
     * would bring it back to light.
     */
    public void discard(long ino) {
        Inode i = getattr(ino);
        if (i.nlink() != 0 || !i.isRegular()) {
            throw new FsException(Errno.EINVAL, String.format("object %016x: has a name, not discarded", ino));
        }
        List<RecordKey> keys = new ArrayList<>();
        r.scan(new RecordKey(pfs, ino, RecordType.INODE, 0, 0), new RecordKey(pfs, ino + 1, RecordType.INODE, 0, 0),
                false, rec -> rec.key().type() == RecordType.INODE || keys.add(rec.key()));
        keys.forEach(w::destroy);
        putInode(ino, i.withSize(0).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
    }

    public long mkdir(long dir, String name, int mode, int uid, int gid) {
        return newObject(dir, name,
                new Inode(Inode.S_IFDIR | (mode & 07777), uid, gid, 2, 0, 0, nowNs, nowNs, nowNs, dir));
    }

    public long symlink(long dir, String name, String target, int uid, int gid) {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        if (t.length == 0 || t.length > 4095) {
            throw new FsException(Errno.EINVAL, name + ": symlink target length " + t.length);
        }
        long ino = newObject(dir, name,
                new Inode(Inode.S_IFLNK | 0777, uid, gid, 1, t.length, 0, nowNs, nowNs, nowNs, dir));
        put(ino, RecordType.SYMLINK, 0, t);
        return ino;
    }

    /** Adds a hard link {@code dir/name} to {@code ino}. */
    public void link(long ino, long dir, String name) {
        checkName(name);
        Inode i = getattr(ino);
        if (i.isDir()) {
            throw new FsException(Errno.EPERM, name + ": cannot hard-link a directory");
        }
        dir(dir);
        if (entryRecord(dir, name) != null) {
            throw new FsException(Errno.EEXIST, name + ": file exists");
        }
        addEntry(dir, name, ino, i.fileType());
        putInode(ino, i.withNlink(i.nlink() + 1).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
        touchDir(dir, 0);
    }

    /** Removes a non-directory name; the object goes when its last link does. */
    public void unlink(long dir, String name) {
        Record e = existingEntry(dir, name);
        long child = DirEntry.decode(e.data()).child();
        Inode i = getattr(child);
        if (i.isDir()) {
            throw new FsException(Errno.EISDIR, name + ": is a directory");
        }
        dropRecord(e);
        touchDir(dir, 0);
        releaseLink(child, i);
    }

    public void rmdir(long dir, String name) {
        if (name.equals(".")) {
            throw new FsException(Errno.EINVAL, name + ": cannot remove '.'");
        }
        Record e = existingEntry(dir, name);
        long child = DirEntry.decode(e.data()).child();
        Inode i = getattr(child);
        if (!i.isDir()) {
            throw new FsException(Errno.ENOTDIR, name + ": not a directory");
        }
        if (!isEmptyDir(child)) {
            throw new FsException(Errno.ENOTEMPTY, name + ": directory not empty");
        }
        dropRecord(e);
        touchDir(dir, -1);
        destroyObject(child);
    }

    private Record existingEntry(long dir, String name) {
        dir(dir);
        checkLength(name);
        Record e = entryRecord(dir, name);
        if (e == null) {
            throw new FsException(Errno.ENOENT, name + ": no such file or directory");
        }
        return e;
    }

    /** One name of {@code ino} is gone: the object goes with its last one, unless it is still open. */
    private void releaseLink(long ino, Inode i) {
        if (i.nlink() > 1) {
            putInode(ino, i.withNlink(i.nlink() - 1).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
        } else if (open.keep(pfs, ino)) {
            putInode(ino, i.withNlink(0).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
            w.putMeta(Orphans.key(pfs, ino), open.owner().getBytes(StandardCharsets.UTF_8));
        } else {
            destroyObject(ino);
        }
    }

    /**
     * Frees orphan {@code ino} of this PFS (its keeper closed it, or is gone): deletes its records,
     * as the unlink of its last name would have, and its entry in the orphan list. False when
     * {@code ino} is not an orphan of this PFS.
     */
    public boolean reclaim(long ino) {
        String key = Orphans.key(pfs, ino);
        if (w.meta(key) == null) {
            return false;
        }
        destroyObject(ino);
        w.deleteMeta(key);
        return true;
    }

    /** Deletes every live record of an object (its history stays until pruned). */
    void destroyObject(long ino) {
        for (Record rec : allVisible(ino)) {
            dropRecord(rec);
        }
    }

    /** Renames atomically, replacing an existing target as rename(2) does. */
    public void rename(long srcDir, String srcName, long dstDir, String dstName) {
        checkName(dstName);
        Record se = existingEntry(srcDir, srcName);
        DirEntry src = DirEntry.decode(se.data());
        dir(dstDir);
        Inode si = getattr(src.child());
        if (si.isDir()) {
            for (long p = dstDir; ; ) {
                if (p == src.child()) {
                    throw new FsException(Errno.EINVAL, srcName + ": cannot move a directory into itself");
                }
                long up = getattr(p).parent();
                if (p == ROOT || up == p || up == 0) {
                    break;
                }
                p = up;
            }
        }
        Record de = entryRecord(dstDir, dstName);
        if (de != null) {
            DirEntry dst = DirEntry.decode(de.data());
            if (dst.child() == src.child()) {
                return;
            }
            Inode di = getattr(dst.child());
            if (si.isDir() && !di.isDir()) {
                throw new FsException(Errno.ENOTDIR, dstName + ": not a directory");
            }
            if (!si.isDir() && di.isDir()) {
                throw new FsException(Errno.EISDIR, dstName + ": is a directory");
            }
            if (di.isDir() && !isEmptyDir(dst.child())) {
                throw new FsException(Errno.ENOTEMPTY, dstName + ": directory not empty");
            }
            dropRecord(de);
            if (di.isDir()) {
                touchDir(dstDir, -1);
                destroyObject(dst.child());
            } else {
                releaseLink(dst.child(), di);
            }
        }
        dropRecord(entryRecord(srcDir, srcName));
        addEntry(dstDir, dstName, src.child(), src.fileType());
        boolean moveDir = si.isDir() && srcDir != dstDir;
        touchDir(srcDir, moveDir ? -1 : 0);
        if (dstDir != srcDir) {
            touchDir(dstDir, moveDir ? 1 : 0);
        }
        Inode cur = getattr(src.child());
        putInode(src.child(), (si.isDir() ? cur.withParent(dstDir) : cur)
                .withTimes(cur.atimeNs(), cur.mtimeNs(), nowNs));
    }

    // ---- attributes ----

    public void chmod(long ino, int mode) {
        Inode i = getattr(ino);
        putInode(ino, i.withMode(mode).withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
    }

    /** Changes owner and group; -1 leaves one unchanged, as chown(2). */
    public void chown(long ino, int uid, int gid) {
        Inode i = getattr(ino);
        putInode(ino, i.withOwner(uid == -1 ? i.uid() : uid, gid == -1 ? i.gid() : gid)
                .withTimes(i.atimeNs(), i.mtimeNs(), nowNs));
    }

    /** Sets access and modification times in nanoseconds; -1 leaves one unchanged. */
    public void utimens(long ino, long atimeNs, long mtimeNs) {
        Inode i = getattr(ino);
        putInode(ino, i.withTimes(atimeNs == -1 ? i.atimeNs() : atimeNs, mtimeNs == -1 ? i.mtimeNs() : mtimeNs,
                nowNs));
    }

    /** Replaces the whole inode's permission, owner and times at once (cpdup). */
    public void setAttrs(long ino, int mode, int uid, int gid, long atimeNs, long mtimeNs) {
        Inode i = getattr(ino);
        putInode(ino, i.withMode(mode).withOwner(uid, gid).withTimes(atimeNs, mtimeNs, nowNs));
    }

    // ---- data and extended attributes ----

    /** Writes {@code len} bytes at {@code offset}, copying on write the blocks it touches partly. */
    public int write(long ino, long offset, byte[] src, int srcOff, int len) {
        return new FileData(this).write(ino, offset, src, srcOff, len);
    }

    /** Writes the bytes remaining in {@code src} (a heap or direct buffer, left as it is) at {@code offset}. */
    public int write(long ino, long offset, ByteBuffer src) {
        return new FileData(this).write(ino, offset, src);
    }

    /**
     * As {@link #write(long, long, ByteBuffer)}, with the data CRCs of its pieces made beforehand
     * by {@link #pieceCrcs} (where the data came in, off the thread that holds the transaction).
     */
    public int write(long ino, long offset, ByteBuffer src, int[] pieceCrcs) {
        return new FileData(this).write(ino, offset, src, pieceCrcs);
    }

    /** The data CRCs of the pieces a write of {@code src} (left as it is) at {@code offset} is stored in. */
    public static int[] pieceCrcs(long offset, ByteBuffer src) {
        return FileData.pieceCrcs(offset, src);
    }

    public void truncate(long ino, long size) {
        new FileData(this).truncate(ino, size);
    }

    public void setxattr(long ino, String name, byte[] value) {
        getattr(ino);
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length == 0 || n.length > 255) {
            throw new FsException(Errno.ERANGE, name + ": bad attribute name length");
        }
        if (value.length > XATTR_MAX) {
            throw new FsException(Errno.ERANGE, name + ": attribute value too large");
        }
        byte[] data = ByteBuffer.allocate(2 + n.length + value.length).putShort((short) n.length).put(n).put(value)
                .array();
        Record cur = xattrRecord(ino, name);
        put(ino, RecordType.XATTR, cur != null ? cur.key().key() : freeSlot(ino, RecordType.XATTR, name), data);
    }

    public void removexattr(long ino, String name) {
        getattr(ino);
        Record cur = xattrRecord(ino, name);
        if (cur == null) {
            throw new FsException(Errno.ENODATA, name + ": no such attribute");
        }
        dropRecord(cur);
    }
}
