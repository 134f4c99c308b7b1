package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import jnr.ffi.Pointer;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsWriter;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The file-data and extended-attribute callbacks of a mount, and what every callback shares:
 * open-file handles, per-thread buffers, the caller's identity and the errno translation.
 * {@link HammerFs} adds attributes and the namespace.
 */
abstract class FileCallbacks extends FuseStubFS {
    private static final int O_ACCMODE = 3;
    private static final int O_TRUNC = 01000;
    /** __FMODE_EXEC: the open of a file being executed (include/linux/fs.h). */
    private static final int FMODE_EXEC = 040;
    /** POSIX ACLs are not supported: cp -a then falls back to chmod instead of believing the ACL set the mode. */
    private static final int EOPNOTSUPP = 95;

    final Committer<Ctx> committer;
    final Namespace ns;
    final Attributes attrs;
    final Handles handles;
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    FileCallbacks(Committer<Ctx> committer, View root, Handles handles) {
        this.committer = committer;
        this.handles = handles;
        this.ns = new Namespace(committer, new Resolver(root));
        this.attrs = new Attributes(new InodeNumbers(root));
    }

    // ---- files ----

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        Caller c = caller();
        return call(() -> {
            int m = (int) mode;
            Node n = ns.mknod(path, (m & Inode.S_IFMT) == 0 ? m | Inode.S_IFREG : m, 0, c);
            fi.fh.set(handles.open(n));
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        Caller c = caller();
        int mask = accessMask(fi.flags.get());
        return call(() -> {
            boolean[] dropSetGid = {false};
            Node n = committer.read(ctx -> {
                Node r = ns.resolveIn(ctx, path, c);
                if ((mask & Caller.W) != 0 && !ctx.writable(r.view())) {
                    throw new FsException(Errno.EROFS, path + ": read-only");
                }
                if (!c.root()) {
                    Inode i = ctx.getattr(r);
                    c.check(i, mask, path);
                    // The kernel drops set-group-id on a write only with group execute; a local
                    // filesystem also when the writer is outside the file's group.
                    boolean setGidNoExec = (i.mode() & (Inode.S_ISGID | Inode.S_IXGRP)) == Inode.S_ISGID;
                    dropSetGid[0] = (mask & Caller.W) != 0 && setGidNoExec && !c.inGroup(i.gid());
                }
                return r;
            });
            long fh = handles.open(n);
            handles.handle(fh).dropSetGid = dropSetGid[0];
            fi.fh.set(fh);
            return 0;
        });
    }

    /**
     * The permission an open needs: execute for execve's open (FMODE_EXEC, which the kernel
     * passes in the flags; reading a script is its interpreter's own open), else read, write or
     * both by its access mode, and write too with O_TRUNC.
     */
    private static int accessMask(int flags) {
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

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return call(() -> {
            Node n = node(path, fi);
            byte[] b = buffer((int) size);
            int count = committer.readData(n, ctx -> ctx.reader(n.view()).read(n.ino(), offset, b, 0, (int) size));
            buf.put(0, b, 0, count);
            return count;
        });
    }

    /**
     * Writes through a handle are written back: the data is copied, queued on the committer and
     * acknowledged at once; an error it meets later is the next flush's or fsync's.
     */
    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return call(() -> {
            int len = (int) size;
            Handles.Handle h = handles.handle(fi.fh.get());
            if (h == null) {
                Node n = ns.resolve(path, caller());
                byte[] b = buffer(len);
                buf.get(0, b, 0, len);
                return committer.write(ctx -> ctx.writer(n.view()).write(n.ino(), offset, b, 0, len), size);
            }
            FsException pending = h.error();
            if (pending != null) {
                throw pending; // kept for the flush or fsync too
            }
            byte[] b = new byte[len];
            buf.get(0, b, 0, len);
            Node n = h.node;
            boolean drop = h.dropSetGid;
            h.dropSetGid = false;
            committer.writeBehind(h, ctx -> {
                FsWriter w = ctx.writer(n.view());
                int count = w.write(n.ino(), offset, b, 0, len);
                if (drop) {
                    int mode = w.getattr(n.ino()).mode();
                    if ((mode & Inode.S_ISGID) != 0) {
                        w.chmod(n.ino(), mode & 07777 & ~Inode.S_ISGID);
                    }
                }
                return count;
            }, len);
            return len;
        });
    }

    Node node(String path, FuseFileInfo fi) {
        Node n = handles.get(fi.fh.get());
        return n != null ? n : ns.resolve(path, caller());
    }

    private byte[] buffer(int size) {
        byte[] b = buffers.get();
        if (b.length < size) {
            b = new byte[size];
            buffers.set(b);
        }
        return b;
    }

    /** close(2): waits for the handle's queued writes and reports the first error they met. */
    @Override
    public int flush(String path, FuseFileInfo fi) {
        return call(() -> {
            Handles.Handle h = handles.handle(fi.fh.get());
            FsException e = h == null ? null : committer.drain(h);
            if (e != null) {
                throw e;
            }
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call(() -> {
            release(fi.fh.get());
            return 0;
        });
    }

    /** Releases a handle; the last one of an orphan (unlinked while open) reclaims it. */
    void release(long fh) {
        Node orphan = handles.release(fh);
        if (orphan != null) {
            ns.reclaim(orphan);
        }
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call(() -> {
            committer.sync();
            Handles.Handle h = handles.handle(fi.fh.get());
            FsException e = h == null ? null : h.takeError();
            if (e != null) {
                throw e;
            }
            return 0;
        });
    }

    // ---- extended attributes ----

    private static boolean isAcl(String name) {
        return name.startsWith("system.posix_acl_");
    }

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        if (isAcl(name)) {
            return -EOPNOTSUPP;
        }
        Caller c = caller();
        return call(() -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            ns.setxattr(path, name, v, flags, c);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        if (isAcl(name)) {
            return -EOPNOTSUPP;
        }
        Caller c = caller();
        return call(() -> answer(ns.getxattr(path, name, c), value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        Caller c = caller();
        return call(() -> {
            StringBuilder b = new StringBuilder();
            for (String n : ns.listxattr(path, c)) {
                b.append(n).append('\0');
            }
            return answer(b.toString().getBytes(StandardCharsets.UTF_8), list, size);
        });
    }

    /** getxattr/listxattr protocol: size 0 asks for the length; too small a buffer is ERANGE. */
    private static int answer(byte[] data, Pointer dst, long size) {
        if (size == 0) {
            return data.length;
        }
        if (data.length > size) {
            return -Errno.ERANGE.code();
        }
        dst.put(0, data, 0, data.length);
        return data.length;
    }

    @Override
    public int removexattr(String path, String name) {
        if (isAcl(name)) {
            return -EOPNOTSUPP;
        }
        Caller c = caller();
        return call(() -> {
            ns.removexattr(path, name, c);
            return 0;
        });
    }

    // ---- plumbing ----

    Caller caller() {
        FuseContext c = getContext();
        return new Caller((int) c.uid.get(), (int) c.gid.get(), (int) c.pid.get());
    }

    /** Runs one callback: FsException is its errno, anything else is logged and EIO. */
    static int call(IntSupplier op) {
        try {
            return op.getAsInt();
        } catch (FsException e) {
            return -e.errno().code();
        } catch (HammerException e) {
            if (e.kind() == HammerException.Kind.NOT_FOUND) {
                return -Errno.ENOENT.code();
            }
            System.err.println("hammer mount: " + e.getMessage());
            return -Errno.EIO.code();
        } catch (RuntimeException | Error e) {
            System.err.println("hammer mount: internal error: " + e);
            e.printStackTrace();
            return -Errno.EIO.code();
        }
    }
}
