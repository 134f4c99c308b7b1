package org.hammer.core.fs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.DirEntry;
import org.hammer.core.btree.Inode;
import org.hammer.core.btree.Record;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;

/**
 * POSIX-like reads of one PFS as of one TID: the view a master gives at "now", a slave at its
 * sync-end-tid, and a snapshot or {@code name@@0x<tid>} path at that TID.
 */
public class FsReader {
    /** The object id of a PFS's root directory. */
    public static final long ROOT = 1;
    static final int NAME_MAX = 255;

    final StoreReader r;
    final int pfs;
    final long asOf;

    public FsReader(StoreReader reader, int pfs, long asOf) {
        this.r = reader;
        this.pfs = pfs;
        this.asOf = asOf;
    }

    public int pfs() {
        return pfs;
    }

    public long asOf() {
        return asOf;
    }

    public StoreReader store() {
        return r;
    }

    private static final byte[] ZEROS = new byte[8192];

    Record visible(long obj, RecordType type, long key) {
        return r.visible(pfs, obj, type, key, asOf);
    }

    /** How an error names object {@code ino}: "object" and its 16 hex digits. */
    static String object(long ino) {
        return "object " + String.format("%016x", ino);
    }

    /** The attributes of {@code ino}, or ENOENT. */
    public Inode getattr(long ino) {
        Record rec = visible(ino, RecordType.INODE, 0);
        if (rec == null) {
            throw new FsException(Errno.ENOENT, object(ino) + ": no such file");
        }
        return Inode.decode(rec.data());
    }

    public boolean exists(long ino) {
        return visible(ino, RecordType.INODE, 0) != null;
    }

    Inode dir(long ino) {
        Inode i = getattr(ino);
        if (!i.isDir()) {
            throw new FsException(Errno.ENOTDIR, object(ino) + ": not a directory");
        }
        return i;
    }

    /** The visible directory-entry record of {@code name} in {@code dir}, or null. */
    Record entryRecord(long dir, String name) {
        long h = DirEntry.hashKey(name);
        Record[] found = new Record[1];
        scanVisible(dir, RecordType.DIRENTRY, h, h + 0x10000, true, rec -> {
            if (DirEntry.decode(rec.data()).name().equals(name)) {
                found[0] = rec;
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** ENAMETOOLONG when {@code name} is longer than NAME_MAX (255) bytes in UTF-8, as ext4 and HAMMER. */
    public static void checkLength(String name) {
        // Up to 85 chars is at most 255 bytes (3 per char, 4 per surrogate pair): no encoding needed.
        if (name.length() > NAME_MAX / 3 && name.getBytes(StandardCharsets.UTF_8).length > NAME_MAX) {
            throw new FsException(Errno.ENAMETOOLONG, name.substring(0, 16) + "...: file name too long");
        }
    }

    /** The object {@code name} names in {@code dir}; ENOENT, or ENAMETOOLONG for a name no object can have. */
    public long lookup(long dir, String name) {
        dir(dir);
        checkLength(name);
        if (name.equals(".")) {
            return dir;
        }
        if (name.equals("..")) {
            long p = getattr(dir).parent();
            return dir == ROOT || p == 0 ? dir : p;
        }
        Record rec = entryRecord(dir, name);
        if (rec == null) {
            throw new FsException(Errno.ENOENT, name + ": no such file or directory");
        }
        return DirEntry.decode(rec.data()).child();
    }

    /** The object {@code name} names in {@code dir}, or 0. */
    public long find(long dir, String name) {
        Record rec = entryRecord(dir, name);
        return rec == null ? 0 : DirEntry.decode(rec.data()).child();
    }

    /** Resolves a relative path of names (no symlinks followed), or ENOENT. */
    public long resolve(List<String> names) {
        long ino = ROOT;
        for (String n : names) {
            ino = lookup(ino, n);
        }
        return ino;
    }

    /**
     * Up to {@code max} entries after {@code cookie} (0 = start), "." and ".." first. Cookies are
     * directory-entry keys, unsigned, so they stay valid while the directory changes: an entry
     * neither made nor removed meanwhile comes exactly once across the pages.
     */
    public List<Entry> readdir(long dir, long cookie, int max) {
        Inode d = dir(dir);
        List<Entry> out = new ArrayList<>();
        if (cookie == 0) {
            out.add(new Entry(".", dir, Inode.S_IFDIR, 1));
        }
        if (Long.compareUnsigned(cookie, 2) < 0 && out.size() < max) {
            long p = dir == ROOT || d.parent() == 0 ? dir : d.parent();
            out.add(new Entry("..", p, Inode.S_IFDIR, 2));
        }
        if (out.size() >= max || cookie == -1L) { // -1: past the last key there can be
            return out;
        }
        long from = Long.compareUnsigned(cookie, 3) < 0 ? 3 : cookie + 1;
        scanVisible(dir, RecordType.DIRENTRY, from, -1L, true, rec -> {
            DirEntry e = DirEntry.decode(rec.data());
            out.add(new Entry(e.name(), e.child(), e.fileType(), rec.key().key()));
            return out.size() < max;
        });
        return out;
    }

    /** Every entry of {@code dir} except "." and "..". */
    public List<Entry> list(long dir) {
        dir(dir);
        List<Entry> out = new ArrayList<>();
        scanVisible(dir, RecordType.DIRENTRY, 3, -1L, true, rec -> {
            DirEntry e = DirEntry.decode(rec.data());
            out.add(new Entry(e.name(), e.child(), e.fileType(), rec.key().key()));
            return true;
        });
        return out;
    }

    boolean isEmptyDir(long dir) {
        boolean[] any = new boolean[1];
        scanVisible(dir, RecordType.DIRENTRY, 0, -1L, false, rec -> {
            any[0] = true;
            return false;
        });
        return !any[0];
    }

    /**
     * The bytes of file {@code ino} with inode {@code i} that lie in stored blocks: what st_blocks
     * counts. Each stored block counts whole (16 or 64 KiB, no further than the end of the file),
     * as a local disk counts its allocation unit; a hole (never written, or truncated away and
     * grown again) counts nothing, so a sparse file is not counted at its size. From the count
     * the inode keeps (store format 4), less what of the last block lies past the end (one lookup
     * of that block's record); else from a walk over the file's blocks.
     */
    public long storedBytes(long ino, Inode i) {
        if (!i.counted()) {
            return storedBytes(ino, i.size());
        }
        long size = i.size();
        if (size == 0) {
            return 0;
        }
        long last = Blocks.start(size - 1);
        boolean[] stored = {false};
        scanVisible(ino, RecordType.DATA, last, last + 1, false, rec -> {
            stored[0] = true;
            return false;
        });
        long past = stored[0] ? last + Blocks.size(last) - size : 0;
        if (stored[0] && i.blockBytes() < Blocks.size(last)) {
            throw HammerException.corrupt(object(ino) + ": its inode counts "
                    + i.blockBytes() + " bytes of blocks, fewer than its last block holds");
        }
        return i.blockBytes() - past;
    }

    /**
     * As {@link #storedBytes(long, Inode)}, by walking the file's block records (their headers, not
     * their data): what an inode without a count ({@link Inode#counted}) needs.
     */
    public long storedBytes(long ino, long size) {
        long[] total = {0};
        scanVisible(ino, RecordType.DATA, 0, -1L, false, rec -> {
            long start = rec.key().key();
            if (start >= size) {
                return false;
            }
            total[0] += Math.min(Blocks.size(start), size - start);
            return true;
        });
        return total[0];
    }

    /**
     * Asks the store, without waiting, for the blocks of file {@code ino} that hold the bytes
     * [{@code from}, {@code to}): a sequential reader's next ones ({@link ReadAhead}).
     */
    public void readAhead(long ino, long from, long to) {
        r.readAhead(pfs, ino, RecordType.DATA, Blocks.start(from), to, asOf);
    }

    /** Reads up to {@code len} bytes at {@code offset} into {@code dst}; returns the count (0 at EOF). */
    public int read(long ino, long offset, byte[] dst, int dstOff, int len) {
        return read(ino, offset, ByteBuffer.wrap(dst, dstOff, Math.max(0, Math.min(len, dst.length - dstOff))));
    }

    /**
     * Reads up to {@code dst.remaining()} bytes at {@code offset} into {@code dst}, straight from
     * the store's checked blocks (one copy); returns the count (0 at EOF), {@code dst}'s position
     * moved past them. A hole reads as zeros.
     */
    public int read(long ino, long offset, ByteBuffer dst) {
        Inode i = getattr(ino);
        if (i.isDir()) {
            throw new FsException(Errno.EISDIR, object(ino) + ": is a directory");
        }
        if (offset >= i.size() || !dst.hasRemaining()) {
            return 0;
        }
        int n = (int) Math.min(dst.remaining(), i.size() - offset);
        long pos = offset;
        long end = offset + n;
        while (pos < end) {
            long bs = Blocks.start(pos);
            int within = (int) (pos - bs);
            int chunk = (int) Math.min(Blocks.size(bs) - within, end - pos);
            StoreReader.Stored b = r.visibleStoredData(pfs, ino, RecordType.DATA, bs, asOf);
            int have = b == null ? 0 : Math.max(0, Math.min(chunk, b.data().remaining() - within));
            if (have > 0) {
                ByteBuffer d = b.data();
                dst.put(dst.position(), d, d.position() + within, have).position(dst.position() + have);
            }
            for (int z = have; z < chunk; z += Math.min(ZEROS.length, chunk - z)) {
                dst.put(ZEROS, 0, Math.min(ZEROS.length, chunk - z));
            }
            pos += chunk;
        }
        r.dataCopied();
        return n;
    }

    public String readlink(long ino) {
        Inode i = getattr(ino);
        if (!i.isSymlink()) {
            throw new FsException(Errno.EINVAL, object(ino) + ": not a symlink");
        }
        Record rec = visible(ino, RecordType.SYMLINK, 0);
        return rec == null ? "" : new String(rec.data(), StandardCharsets.UTF_8);
    }

    Record xattrRecord(long ino, String name) {
        long h = DirEntry.hashKey(name);
        Record[] found = new Record[1];
        scanVisible(ino, RecordType.XATTR, h, h + 0x10000, true, rec -> {
            if (xattrName(rec.data()).equals(name)) {
                found[0] = rec;
                return false;
            }
            return true;
        });
        return found[0];
    }

    /** The value of extended attribute {@code name}, or ENODATA. */
    public byte[] getxattr(long ino, String name) {
        byte[] v = xattr(ino, name);
        if (v == null) {
            throw new FsException(Errno.ENODATA, name + ": no such attribute");
        }
        return v;
    }

    /**
     * The value of extended attribute {@code name}, or null when the object has none of that name
     * (as {@link #getxattr}, without an exception: the kernel asks for {@code security.capability}
     * before a file's first write and after each change of its attributes).
     */
    public byte[] xattr(long ino, String name) {
        getattr(ino);
        Record rec = xattrRecord(ino, name);
        if (rec == null) {
            return null;
        }
        ByteBuffer b = ByteBuffer.wrap(rec.data());
        int nl = Short.toUnsignedInt(b.getShort());
        byte[] v = new byte[rec.data().length - 2 - nl];
        System.arraycopy(rec.data(), 2 + nl, v, 0, v.length);
        return v;
    }

    public List<String> listxattr(long ino) {
        getattr(ino);
        List<String> out = new ArrayList<>();
        scanVisible(ino, RecordType.XATTR, 0, -1L, true, rec -> out.add(xattrName(rec.data())));
        return out;
    }

    static String xattrName(byte[] data) {
        int nl = ((data[0] & 0xff) << 8) | (data[1] & 0xff);
        return new String(data, 2, nl, StandardCharsets.UTF_8);
    }

    /** Visits the records of {@code (obj, type)} with keys in [from, to) visible as of this view. */
    void scanVisible(long obj, RecordType type, long from, long to, boolean withData,
            java.util.function.Predicate<Record> visitor) {
        RecordKey lo = new RecordKey(pfs, obj, type, from, 0);
        RecordKey hi = to == -1L ? new RecordKey(pfs, obj, type, -1L, -1L) : new RecordKey(pfs, obj, type, to, 0);
        r.scan(lo, hi, withData, rec -> !rec.visibleAt(asOf) || visitor.test(rec));
    }

    /** Every key of {@code obj} visible as of this view, in key order, without data. */
    List<Record> allVisible(long obj) {
        List<Record> out = new ArrayList<>();
        RecordKey lo = new RecordKey(pfs, obj, RecordType.INODE, 0, 0);
        RecordKey hi = obj == -1L ? new RecordKey(pfs, -1L, RecordType.CONFIG, -1L, -1L)
                : new RecordKey(pfs, obj + 1, RecordType.INODE, 0, 0);
        r.scan(lo, hi, false, rec -> {
            if (rec.visibleAt(Tid.MAX)) {
                out.add(rec);
            }
            return true;
        });
        return out;
    }
}
