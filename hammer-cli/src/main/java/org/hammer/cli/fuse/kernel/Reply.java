package org.hammer.cli.fuse.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A reply (or a notification) being encoded into a worker's buffer: a fuse_out_header (len,
 * error, unique) followed by the argument structures the operations put after it.
 */
public final class Reply {
    private final ByteBuffer buf;
    private long unique;
    private boolean answered;

    Reply(ByteBuffer buf) {
        this.buf = buf.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Begins the reply to request {@code unique}. */
    void start(long unique) {
        this.unique = unique;
        this.answered = false;
        buf.clear();
        buf.position(Protocol.OUT_HEADER);
    }

    /** Ends it with {@code error} (0 or a positive errno); returns its length. */
    int finish(int error) {
        if (error != 0) {
            buf.position(Protocol.OUT_HEADER);
        }
        int len = buf.position();
        buf.putInt(0, len);
        buf.putInt(4, -error);
        buf.putLong(8, unique);
        return len;
    }

    ByteBuffer buffer() {
        return buf;
    }

    /** Room left for data after what is encoded so far. */
    public int room() {
        return buf.capacity() - buf.position();
    }

    /** Bytes of argument encoded so far. */
    int argLength() {
        return buf.position() - Protocol.OUT_HEADER;
    }

    /** No reply at all goes to the kernel (FORGET, INTERRUPT). */
    void none() {
        answered = true;
    }

    boolean noReply() {
        return answered;
    }

    // ---- argument structures ----

    /** fuse_entry_out: the node a name leads to, how long the name and the attributes may be kept. */
    public void entry(long nodeId, long generation, long entryValidNs, long attrValidNs, Attr a) {
        buf.putLong(nodeId);
        buf.putLong(generation);
        buf.putLong(entryValidNs / 1_000_000_000L);
        buf.putLong(attrValidNs / 1_000_000_000L);
        buf.putInt((int) (entryValidNs % 1_000_000_000L));
        buf.putInt((int) (attrValidNs % 1_000_000_000L));
        attr(a);
    }

    /** fuse_attr_out. */
    public void attrOut(long attrValidNs, Attr a) {
        buf.putLong(attrValidNs / 1_000_000_000L);
        buf.putInt((int) (attrValidNs % 1_000_000_000L));
        buf.putInt(0);
        attr(a);
    }

    /** fuse_attr (88 bytes). */
    private void attr(Attr a) {
        buf.putLong(a.ino());
        buf.putLong(a.size());
        buf.putLong(a.blocks());
        buf.putLong(Math.floorDiv(a.atimeNs(), 1_000_000_000L));
        buf.putLong(Math.floorDiv(a.mtimeNs(), 1_000_000_000L));
        buf.putLong(Math.floorDiv(a.ctimeNs(), 1_000_000_000L));
        buf.putInt((int) Math.floorMod(a.atimeNs(), 1_000_000_000L));
        buf.putInt((int) Math.floorMod(a.mtimeNs(), 1_000_000_000L));
        buf.putInt((int) Math.floorMod(a.ctimeNs(), 1_000_000_000L));
        buf.putInt(a.mode());
        buf.putInt(a.nlink());
        buf.putInt(a.uid());
        buf.putInt(a.gid());
        buf.putInt(a.rdev());
        buf.putInt(a.blksize());
        buf.putInt(0);
    }

    /** fuse_open_out. */
    public void open(long fh, int openFlags) {
        buf.putLong(fh);
        buf.putInt(openFlags);
        buf.putInt(0);
    }

    /** fuse_write_out. */
    public void written(int size) {
        buf.putInt(size);
        buf.putInt(0);
    }

    /** fuse_getxattr_out: the size an attribute value or name list needs. */
    public void xattrSize(int size) {
        buf.putInt(size);
        buf.putInt(0);
    }

    /** fuse_statfs_out (struct fuse_kstatfs). */
    public void statfs(long blocks, long bfree, long bavail, long files, long ffree, int bsize, int namelen,
            int frsize) {
        buf.putLong(blocks);
        buf.putLong(bfree);
        buf.putLong(bavail);
        buf.putLong(files);
        buf.putLong(ffree);
        buf.putInt(bsize);
        buf.putInt(namelen);
        buf.putInt(frsize);
        buf.putInt(0);
        for (int i = 0; i < 6; i++) {
            buf.putInt(0);
        }
    }

    /**
     * Room for up to {@code size} bytes of raw data (READ) at the reply's end, for the caller to
     * fill from its start; {@link #dataWritten} then says how much it wrote.
     */
    public ByteBuffer dataRoom(int size) {
        return buf.slice(buf.position(), Math.min(size, buf.remaining()));
    }

    /** Ends the data written into {@link #dataRoom} after {@code count} bytes. */
    public void dataWritten(int count) {
        buf.position(buf.position() + count);
    }

    /** Raw data (READ, READLINK, GETXATTR, LISTXATTR). */
    public void data(byte[] b, int off, int len) {
        buf.put(b, off, len);
    }

    /**
     * A fuse_dirent if it fits within {@code limit} bytes of argument; {@code type} is the file
     * type as in st_mode (S_IFDIR...). Returns false, encoding nothing, when it does not fit.
     */
    public boolean dirent(long ino, long nextOffset, int type, byte[] name, int limit) {
        int size = align8(Protocol.DIRENT + name.length);
        if (argLength() + size > limit) {
            return false;
        }
        putDirent(ino, nextOffset, type, name, size);
        return true;
    }

    /** The size a fuse_direntplus of a name of {@code nameLength} bytes takes. */
    static int direntPlusSize(int nameLength) {
        return Protocol.ENTRY_OUT + align8(Protocol.DIRENT + nameLength);
    }

    /** True when a fuse_direntplus of a name of {@code nameLength} bytes fits within {@code limit}. */
    public boolean fitsPlus(int nameLength, int limit) {
        return argLength() + direntPlusSize(nameLength) <= limit;
    }

    /**
     * A fuse_direntplus (a fuse_entry_out, then a fuse_dirent); call {@link #fitsPlus} first.
     * A node id of 0 gives the kernel the name alone (as for "." and "..").
     */
    public void direntPlus(long nodeId, long entryValidNs, long attrValidNs, Attr a, long nextOffset, byte[] name) {
        if (nodeId == 0) {
            for (int i = 0; i < Protocol.ENTRY_OUT / 8; i++) {
                buf.putLong(0);
            }
        } else {
            entry(nodeId, 0, entryValidNs, attrValidNs, a);
        }
        putDirent(a.ino(), nextOffset, a.mode(), name, align8(Protocol.DIRENT + name.length));
    }

    private void putDirent(long ino, long nextOffset, int mode, byte[] name, int size) {
        int start = buf.position();
        buf.putLong(ino);
        buf.putLong(nextOffset);
        buf.putInt(name.length);
        buf.putInt((mode >>> 12) & 017);
        buf.put(name);
        while (buf.position() < start + size) {
            buf.put((byte) 0);
        }
    }

    private static int align8(int n) {
        return (n + 7) & ~7;
    }

    // ---- INIT ----

    /** fuse_init_out (7.31 layout, 64 bytes). */
    void init(int major, int minor, int maxReadahead, int flags, int maxBackground, int congestion, int maxWrite,
            int timeGran, int maxPages) {
        init(major, minor, maxReadahead, flags, 0, maxBackground, congestion, maxWrite, timeGran, maxPages);
    }

    /** fuse_init_out with a second word of flags (INIT_EXT). */
    void init(int major, int minor, int maxReadahead, int flags, int flags2, int maxBackground, int congestion,
            int maxWrite, int timeGran, int maxPages) {
        buf.putInt(major);
        buf.putInt(minor);
        buf.putInt(maxReadahead);
        buf.putInt(flags);
        buf.putShort((short) maxBackground);
        buf.putShort((short) congestion);
        buf.putInt(maxWrite);
        buf.putInt(timeGran);
        buf.putShort((short) maxPages);
        buf.putShort((short) 0);
        buf.putInt(flags2);
        for (int i = 0; i < 7; i++) {
            buf.putInt(0);
        }
    }

    // ---- notifications ----

    /** fuse_notify_inval_inode: drop a node's attributes and, unless {@code offset < 0}, its cached data. */
    void invalInode(long nodeId, long offset, long length) {
        start(0);
        buf.putLong(nodeId);
        buf.putLong(offset);
        buf.putLong(length);
    }

    /** fuse_notify_inval_entry: drop the kernel's entry for {@code name} in directory {@code parent}. */
    void invalEntry(long parent, String name) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        start(0);
        buf.putLong(parent);
        buf.putInt(b.length);
        buf.putInt(0);
        buf.put(b);
        buf.put((byte) 0);
    }

    /** Ends a notification of {@code code}; returns its length. */
    int finishNotify(int code) {
        int len = buf.position();
        buf.putInt(0, len);
        buf.putInt(4, code);
        buf.putLong(8, 0);
        return len;
    }
}
