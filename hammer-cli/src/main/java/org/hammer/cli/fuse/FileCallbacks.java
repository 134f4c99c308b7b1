package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.util.function.IntSupplier;
import jnr.ffi.Pointer;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
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
    private static final int O_ACCMODE = 3;
    /** POSIX ACLs are not supported: cp -a then falls back to chmod instead of believing the ACL set the mode. */
    private static final int EOPNOTSUPP = 95;

    final Committer committer;
    final Namespace ns;
    final Attributes attrs;
    final Handles handles = new Handles();
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    FileCallbacks(Committer committer, View root) {
        this.committer = committer;
        this.ns = new Namespace(committer, new Resolver(root));
        this.attrs = new Attributes(new InodeNumbers(root));
    }

    // ---- files ----

    @Override
    public int create(String path, long mode, FuseFileInfo fi) {
        Namespace.Caller c = caller();
        return call(() -> {
            int m = (int) mode;
            Node n = ns.mknod(path, (m & Inode.S_IFMT) == 0 ? m | Inode.S_IFREG : m, 0, c);
            fi.fh.set(handles.open(n));
            return 0;
        });
    }

    @Override
    public int open(String path, FuseFileInfo fi) {
        boolean write = (fi.flags.get() & O_ACCMODE) != 0;
        return call(() -> {
            Node n = committer.read(ctx -> {
                Node r = ns.resolveIn(ctx, path);
                if (write && !ctx.writable(r.view())) {
                    throw new FsException(Errno.EROFS, path + ": read-only");
                }
                return r;
            });
            fi.fh.set(handles.open(n));
            return 0;
        });
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
                Node n = ns.resolve(path);
                byte[] b = buffer(len);
                buf.get(0, b, 0, len);
                return committer.write(ctx -> ctx.writer(n.view()).write(n.ino(), offset, b, 0, len), size);
            }
            byte[] b = new byte[len];
            buf.get(0, b, 0, len);
            Node n = h.node;
            committer.writeBehind(h, ctx -> ctx.writer(n.view()).write(n.ino(), offset, b, 0, len), len);
            return len;
        });
    }

    Node node(String path, FuseFileInfo fi) {
        Node n = handles.get(fi.fh.get());
        return n != null ? n : ns.resolve(path);
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
        handles.release(fi.fh.get());
        return 0;
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
        return call(() -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            ns.setxattr(path, name, v, flags);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
        if (isAcl(name)) {
            return -EOPNOTSUPP;
        }
        return call(() -> answer(ns.getxattr(path, name), value, size));
    }

    @Override
    public int listxattr(String path, Pointer list, long size) {
        return call(() -> {
            StringBuilder b = new StringBuilder();
            for (String n : ns.listxattr(path)) {
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
        return call(() -> {
            ns.removexattr(path, name);
            return 0;
        });
    }

    // ---- plumbing ----

    Namespace.Caller caller() {
        FuseContext c = getContext();
        return new Namespace.Caller((int) c.uid.get(), (int) c.gid.get());
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
