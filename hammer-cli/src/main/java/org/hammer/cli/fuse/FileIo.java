package org.hammer.cli.fuse;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.fs.ReadAhead;

/**
 * What both FUSE backends do with open files, on nodes and handles: the permission an open needs,
 * reads through a per-thread buffer, written-back writes, close, release and fsync. The backends
 * ({@link FileCallbacks} on libfuse2, {@link KernelFiles} on the kernel protocol) only translate
 * requests into these calls and their results into replies.
 */
final class FileIo {
    static final int O_ACCMODE = 3;
    static final int O_TRUNC = 01000;
    static final int O_WRONLY = 1;
    /** The file capabilities a write drops (include/uapi/linux/xattr.h). */
    static final String CAPABILITY = "security.capability";
    /**
     * Counts the times a file's capability may have been set (through the mount, or by another
     * process): each {@link Handles.Handle#direct} handle's next write looks for one again.
     */
    final AtomicLong capabilitiesSet = new AtomicLong();
    /** __FMODE_EXEC: the open of a file being executed (include/linux/fs.h). */
    private static final int FMODE_EXEC = 040;
    /** POSIX ACLs beyond the mode are not supported: tools then fall back to chmod. */
    static final int EOPNOTSUPP = 95;

    private final Committer<Ctx> committer;
    private final Handles handles;
    private final Namespace ns;
    /** Told of what reads ask for ahead (the mount's metrics). */
    private final MountProbe probe;
    /** Told of large writes, so that a file written in sequence keeps its block count. */
    private final Attributes attrs;
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    FileIo(Committer<Ctx> committer, Handles handles, Namespace ns, MountProbe probe, Attributes attrs) {
        this.committer = committer;
        this.handles = handles;
        this.ns = ns;
        this.probe = probe;
        this.attrs = attrs;
    }

    /**
     * The permission an open needs: execute for execve's open (FMODE_EXEC, which the kernel
     * passes in the flags; reading a script is its interpreter's own open), else read, write or
     * both by its access mode, and write too with O_TRUNC.
     */
    static int accessMask(int flags) {
        if ((flags & FMODE_EXEC) != 0) {
            return Caller.X;
        }
        int mask = switch (flags & O_ACCMODE) {
            case 0 -> Caller.R;
            case 1 -> Caller.W;
            default -> Caller.R | Caller.W;
        };
        return (flags & O_TRUNC) != 0 ? mask | Caller.W : mask;
    }

    /**
     * A POSIX ACL's extended attribute: the mount stores none (see {@link #minimalAcl}). Reading
     * one is EOPNOTSUPP, as on a local disk without ACLs (ext4's {@code noacl}): tools then take
     * the mode for the ACL, and {@code ls -l}, which asks for every file's ACL while the answer
     * is ENODATA, asks once per file system (a round trip per file through the mount).
     */
    static boolean isAcl(String name) {
        return name.startsWith("system.posix_acl_");
    }

    /** The access ACL's extended attribute. */
    static final String ACL_ACCESS = "system.posix_acl_access";
    private static final int ACL_XATTR_VERSION = 2;
    /** ACL_USER_OBJ, ACL_GROUP_OBJ and ACL_OTHER: the entries of an ACL that a mode says all of. */
    private static final int[] MINIMAL_TAGS = {0x01, 0x04, 0x20};

    /**
     * The permission bits (0..0777) that access ACL {@code value} (the kernel's xattr form: a
     * version, then tag, permissions and id per entry, little-endian) is equivalent to when it has
     * only the owner, group and other entries; else -1. A local disk stores such an ACL as the
     * file's mode and no ACL, and so does the mount (cp -a sets the mode that way); any other ACL
     * is refused with EOPNOTSUPP, and tools fall back to chmod.
     */
    static int minimalAcl(byte[] value) {
        if (value == null || value.length != 4 + 8 * MINIMAL_TAGS.length) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != ACL_XATTR_VERSION) {
            return -1;
        }
        int mode = 0;
        for (int tag : MINIMAL_TAGS) {
            int t = b.getShort() & 0xffff;
            int perm = b.getShort() & 0xffff;
            b.getInt(); // the id, undefined for these entries
            if (t != tag || (perm & ~7) != 0) {
                return -1;
            }
            mode = mode << 3 | perm;
        }
        return mode;
    }

    /** This thread's buffer of at least {@code size} bytes, reused from call to call. */
    byte[] buffer(int size) {
        byte[] b = buffers.get();
        if (b.length < size) {
            b = new byte[size];
            buffers.set(b);
        }
        return b;
    }

    /**
     * Reads up to {@code dst.remaining()} bytes of {@code n} at {@code offset} into {@code dst};
     * returns how many. Through open handle {@code h} (else null), a reader in sequence has the
     * file's next blocks asked of the store first, without waiting for them ({@link ReadAhead}).
     */
    int read(Node n, Handles.Handle h, long offset, ByteBuffer dst) {
        ReadAhead.Range ahead = h == null ? null : h.ahead.next(offset, dst.remaining());
        if (ahead != null) {
            probe.readAhead(ahead.to() - ahead.from());
        }
        return committer.readData(n, ctx -> {
            FsReader r = ctx.reader(n.view());
            if (ahead != null) {
                r.readAhead(n.ino(), ahead.from(), ahead.to());
            }
            return r.read(n.ino(), offset, dst);
        });
    }

    /**
     * A write through an open handle, written back: {@code data} (which the caller gives up) is
     * queued on the committer and acknowledged at once; an error it meets later is the next
     * write's, flush's or fsync's, and an error an earlier one met is thrown here. Returns true
     * when it also drops the file's set-group-id bit (the first write by a caller outside its
     * group), a change of mode the kernel does not see.
     */
    boolean writeBehind(Handles.Handle h, long offset, byte[] data, int len) {
        return writeBehind(h, offset, data, len, 0);
    }

    /**
     * As above, also clearing the set-id bits of {@code kill} (S_ISUID, S_ISGID) that the file has
     * when the write is applied: a write by a caller without CAP_FSETID. Through a {@link
     * Handles.Handle#direct} handle it also drops the file's {@code security.capability}. Returns
     * true when the mode may change.
     */
    boolean writeBehind(Handles.Handle h, long offset, byte[] data, int len, int kill) {
        return writeBehind(h, offset, ByteBuffer.wrap(data, 0, len), kill, null);
    }

    /**
     * As above, of the bytes remaining in {@code data} (a heap or direct buffer the write keeps
     * until it has run), with {@code after} run once the queued write has used them or been
     * dropped; not run when this throws (nothing was queued).
     */
    /** Writes this large or larger have their data CRCs made by the caller's thread. */
    static final int CRCS_HERE = 64 << 10;

    boolean writeBehind(Handles.Handle h, long offset, ByteBuffer data, int kill, Runnable after) {
        int len = data.remaining();
        FsException pending = h.error();
        if (pending != null) {
            throw pending; // kept for the flush or fsync too
        }
        Node n = h.node;
        boolean drop = h.dropSetGid;
        h.dropSetGid = false;
        int clear = kill | (drop ? Inode.S_ISGID : 0);
        // As the kernel's S_NOSEC: looked for at a handle's first write, and again after a
        // capability may have been set on any file.
        long capabilities = capabilitiesSet.get();
        boolean lookForCapability = h.direct && h.capabilitiesSeen != capabilities;
        if (lookForCapability) {
            h.capabilitiesSeen = capabilities;
        }
        // A large write's CRCs are made here, while its data is fresh in this CPU's cache, and
        // not on the writer thread, which every write waits for.
        int[] crcs = len >= CRCS_HERE ? FsWriter.pieceCrcs(offset, data) : null;
        committer.writeBehind(h, ctx -> {
            FsWriter w = ctx.writer(n.view());
            // A large write keeps the file's block count (Attributes.wrote); a small one's two
            // more inode reads would cost more than a count of its few blocks.
            Inode before = len >= CRCS_HERE ? w.getattr(n.ino()) : null;
            int count = w.write(n.ino(), offset, data, crcs);
            if (lookForCapability && w.xattr(n.ino(), CAPABILITY) != null) {
                w.removexattr(n.ino(), CAPABILITY); // what the kernel's cached write path does
            }
            if (clear != 0) {
                int mode = w.getattr(n.ino()).mode();
                if ((mode & clear) != 0) {
                    w.chmod(n.ino(), mode & 07777 & ~clear);
                }
            }
            if (before != null) {
                attrs.wrote(n, before, offset, w.getattr(n.ino()));
            }
            return count;
        }, len, after);
        return clear != 0;
    }

    /** close(2): waits for the handle's queued writes and throws the first error they met. */
    void flush(long fh) {
        Handles.Handle h = handles.handle(fh);
        FsException e = h == null ? null : committer.drain(h);
        if (e != null) {
            throw e;
        }
    }

    /**
     * The set-id bits a write, truncate or chown by a caller without CAP_FSETID clears from a file
     * of {@code mode}: set-user-id, and set-group-id where group execute is set (without it, the
     * bit marks mandatory locking and stays).
     */
    static int setIdToKill(int mode) {
        int setGidExec = Inode.S_ISGID | Inode.S_IXGRP;
        return (mode & Inode.S_ISUID) | ((mode & setGidExec) == setGidExec ? Inode.S_ISGID : 0);
    }

    /** Clears from node {@code n} the set-id bits {@link #setIdToKill} names; true when it had any. */
    boolean killSetId(Node n) {
        return committer.write(ctx -> {
            FsWriter w = ctx.writer(n.view());
            int mode = w.getattr(n.ino()).mode();
            int kill = setIdToKill(mode);
            if (kill != 0) {
                w.chmod(n.ino(), mode & 07777 & ~kill);
            }
            return kill != 0;
        }, 0);
    }

    /** Releases a handle; the last one of an orphan (unlinked while open) reclaims it. */
    void release(long fh) {
        Node orphan = handles.release(fh);
        if (orphan != null) {
            ns.reclaim(orphan);
        }
    }

    /** fsync(2): commits and syncs the store, then throws the error a write-back of the handle met. */
    void fsync(long fh) {
        committer.sync();
        Handles.Handle h = handles.handle(fh);
        FsException e = h == null ? null : h.takeError();
        if (e != null) {
            throw e;
        }
    }
}
