package org.hammer.cli.fuse;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import jnr.ffi.Pointer;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;

/**
 * The file-data and extended-attribute callbacks of a mount, and what every callback shares:
 * open-file handles, per-thread buffers, the caller's identity and the errno translation.
 * {@link HammerFs} adds attributes and the namespace.
 */
abstract class FileCallbacks extends FuseStubFS {
    final Committer<Ctx> committer;
    final Namespace ns;
    final Attributes attrs;
    final Handles handles;
    final FileIo io;

    FileCallbacks(Committer<Ctx> committer, View root, Handles handles, MountProbe probe) {
        this.committer = committer;
        this.handles = handles;
        this.ns = new Namespace(committer, new Resolver(root));
        this.attrs = new Attributes(new InodeNumbers(root));
        this.io = new FileIo(committer, handles, ns, probe, attrs);
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
        int mask = FileIo.accessMask(fi.flags.get());
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

    @Override
    public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return call(() -> {
            Handles.Handle h = handles.handle(fi.fh.get());
            Node n = h != null ? h.node : ns.resolve(path, caller());
            byte[] b = io.buffer((int) size);
            int count = io.read(n, h, offset, ByteBuffer.wrap(b, 0, (int) size));
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
                byte[] b = io.buffer(len);
                buf.get(0, b, 0, len);
                return committer.write(ctx -> ctx.writer(n.view()).write(n.ino(), offset, b, 0, len), size);
            }
            byte[] b = new byte[len];
            buf.get(0, b, 0, len);
            io.writeBehind(h, offset, b, len);
            return len;
        });
    }

    Node node(String path, FuseFileInfo fi) {
        Node n = handles.get(fi.fh.get());
        return n != null ? n : ns.resolve(path, caller());
    }

    /** close(2): waits for the handle's queued writes and reports the first error they met. */
    @Override
    public int flush(String path, FuseFileInfo fi) {
        return call(() -> {
            io.flush(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int release(String path, FuseFileInfo fi) {
        return call(() -> {
            io.release(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        return call(() -> {
            io.fsync(fi.fh.get());
            return 0;
        });
    }

    // ---- extended attributes ----

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        if (FileIo.isAcl(name)) {
            byte[] v = new byte[(int) Math.min(size, 64)];
            value.get(0, v, 0, v.length);
            int perms = name.equals(FileIo.ACL_ACCESS) && size == v.length ? FileIo.minimalAcl(v) : -1;
            if (perms < 0) {
                return -FileIo.EOPNOTSUPP;
            }
            Caller c = caller();
            return call(() -> {
                ns.setAccessAcl(path, perms, c);
                return 0;
            });
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
        if (FileIo.isAcl(name)) {
            return -FileIo.EOPNOTSUPP; // none is stored: the mode says it all (FileIo.isAcl)
        }
        Caller c = caller();
        return call(() -> {
            byte[] v = ns.getxattr(path, name, c);
            return v == null ? -Errno.ENODATA.code() : answer(v, value, size);
        });
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
        Caller c = caller();
        if (FileIo.isAcl(name)) {
            // None is stored, so there is nothing to remove: success, as on a local disk, where it may be written.
            return call(() -> ns.writable(ns.resolve(path, c)) ? 0 : -Errno.EROFS.code());
        }
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
