package org.hammer.cli.fuse;

import java.util.concurrent.ConcurrentHashMap;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.AsOfName;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsTable;
import ru.serce.jnrfuse.struct.FileStat;

/**
 * What stat(2) and readlink(2) show of a node, including HAMMER's rewriting of PFS links in
 * PFS #0 (HAMMER.md §2.2): {@code @@PFS%05d} reads as {@code @@-1:%05d} for a master and
 * {@code @@0x<sync-end-tid>:%05d} for a slave.
 */
final class Attributes {
    private static final int BLOCK_SIZE = 64 * 1024;

    /** How many files' counts are kept (~4 MB of heap); all are dropped when it is reached. */
    private static final int CACHED_MAX = 32_768;

    private final InodeNumbers inodes;
    /** The stored bytes of regular files, valid while size, mtime and ctime are those it was counted at. */
    private final ConcurrentHashMap<Node, Counted> counted = new ConcurrentHashMap<>();

    /** Walks over a file's blocks to count them. */
    final java.util.concurrent.atomic.LongAdder walks = new java.util.concurrent.atomic.LongAdder();

    private record Counted(long size, long mtimeNs, long ctimeNs, long bytes) {
        boolean of(Inode i) {
            return size == i.size() && mtimeNs == i.mtimeNs() && ctimeNs == i.ctimeNs();
        }
    }

    Attributes(InodeNumbers inodes) {
        this.inodes = inodes;
    }

    /**
     * A node's attributes with the size a rewritten PFS link reads as, and its 512-byte blocks:
     * those its stored data blocks hold for a regular file (a hole holds none), else its size.
     */
    record Stat(Node node, Inode inode, long size, long blocks) {
    }

    Stat stat(Ctx ctx, Node n) {
        Inode i = ctx.getattr(n);
        long size = i.size();
        if (i.isSymlink() && size == 10 && isLinkView(n)) {
            size = linkText(ctx, n, i).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        long blocks = (i.mode() & Inode.S_IFMT) == Inode.S_IFREG ? blocks(ctx, n, i) : (size + 511) / 512;
        return new Stat(n, i, size, blocks);
    }

    /**
     * A regular file's blocks, from its stored blocks: from the count its inode keeps (store format
     * 4), or for a file made before, by walking its block records (for
     * any file over ~2 KB each record's checked header is in LMDB's overflow pages, beside its
     * data: a read from the disk when not cached), so the count is kept until the file's size,
     * mtime or ctime change (every write changes them; a large write that leaves no hole carries
     * the count over, {@link #wrote}): a stat after the kernel dropped its cache then reads the
     * inode alone.
     */
    private long blocks(Ctx ctx, Node n, Inode i) {
        if (i.counted()) {
            return (ctx.reader(n.view()).storedBytes(n.ino(), i) + 511) / 512;
        }
        Counted c = counted.get(n);
        if (c != null && c.of(i)) {
            return (c.bytes() + 511) / 512;
        }
        long bytes = ctx.reader(n.view()).storedBytes(n.ino(), i.size());
        walks.increment();
        if (counted.size() >= CACHED_MAX) {
            counted.clear();
        }
        counted.put(n, new Counted(i.size(), i.mtimeNs(), i.ctimeNs(), bytes));
        return (bytes + 511) / 512;
    }

    /**
     * A write at {@code offset} has changed regular file {@code n} from {@code before} to
     * {@code after}, in the transaction that reads both. A count kept for {@code before} of a file
     * with no hole (its stored bytes its size) that the write began within or right after is
     * kept for {@code after}: the file still has no hole, since a write stores every block it
     * covers and drops none. Otherwise the count stays as it was, and the next stat after the
     * change counts again. So a file written from its start in sequence, as {@code dd} or
     * {@code cp} writes one, is never walked at its first stat after the writes (a walk of a
     * 2 GiB file reads 32,768 block headers; bench/PROFILE.md §5).
     */
    void wrote(Node n, Inode before, long offset, Inode after) {
        counted.computeIfPresent(n, (k, c) -> c.of(before) && c.bytes() == before.size() && offset <= before.size()
                ? new Counted(after.size(), after.mtimeNs(), after.ctimeNs(), after.size()) : c);
    }

    /** The text readlink returns for a symlink node. */
    String readlink(Ctx ctx, Node n) {
        return linkText(ctx, n, ctx.getattr(n));
    }

    private String linkText(Ctx ctx, Node n, Inode i) {
        String raw = ctx.reader(n.view()).readlink(n.ino());
        if (!isLinkView(n) || i.size() != 10) {
            return raw;
        }
        int id = AsOfName.linkedPfs(raw);
        PfsConfig c = id < 0 ? null : PfsTable.find(ctx.store(), id);
        if (c == null) {
            return raw;
        }
        return AsOfName.pfsRoot(id, c.isSlave() ? c.syncEndTid() : org.hammer.core.tid.Tid.MAX).format();
    }

    /** Only the current state of PFS #0 rewrites links, as HAMMER's readlink does. */
    private static boolean isLinkView(Node n) {
        return n.view().pfs() == 0 && !n.view().isPinned();
    }

    void fill(FileStat st, Stat s) {
        Inode i = s.inode();
        st.st_mode.set(i.mode());
        st.st_ino.set(inodes.of(s.node()));
        st.st_nlink.set(i.nlink());
        st.st_uid.set(i.uid());
        st.st_gid.set(i.gid());
        st.st_rdev.set(i.rdev());
        st.st_size.set(s.size());
        st.st_blksize.set(BLOCK_SIZE);
        st.st_blocks.set(s.blocks());
        time(st.st_atim, i.atimeNs());
        time(st.st_mtim, i.mtimeNs());
        time(st.st_ctim, i.ctimeNs());
    }

    /** The attributes as the FUSE kernel protocol carries them. */
    org.hammer.cli.fuse.kernel.Attr attr(Stat s) {
        Inode i = s.inode();
        return new org.hammer.cli.fuse.kernel.Attr(inodes.of(s.node()), s.size(), s.blocks(), i.atimeNs(),
                i.mtimeNs(), i.ctimeNs(), i.mode(), i.nlink(), i.uid(), i.gid(), (int) i.rdev(), BLOCK_SIZE);
    }

    /** The attributes a directory entry shows without a lookup: its inode number and type. */
    org.hammer.cli.fuse.kernel.Attr entryAttr(Node n, int fileType) {
        return new org.hammer.cli.fuse.kernel.Attr(inodes.of(n), 0, 0, 0, 0, 0, fileType, 1, 0, 0, 0, 0);
    }

    /** The st_ino of a node. */
    long ino(Node n) {
        return inodes.of(n);
    }

    /** The type and inode number of a directory entry, for readdir. */
    void fillEntry(FileStat st, Node n, int fileType) {
        st.st_mode.set(fileType);
        st.st_ino.set(inodes.of(n));
    }

    private static void time(ru.serce.jnrfuse.struct.Timespec t, long ns) {
        t.tv_sec.set(Math.floorDiv(ns, 1_000_000_000L));
        t.tv_nsec.set(Math.floorMod(ns, 1_000_000_000L));
    }
}
