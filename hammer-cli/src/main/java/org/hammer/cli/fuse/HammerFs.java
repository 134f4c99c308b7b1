package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.IntSupplier;
import jnr.ffi.Pointer;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseContext;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The libfuse2 high-level callbacks of a mount: each turns its path or handle into a
 * {@link Node}, runs on the {@link Committer}, and answers with 0, a count, or -errno.
 */
final class HammerFs extends FuseStubFS {
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int O_ACCMODE = 3;
    private static final int BLOCK = 4096;

    private final Path storeDir;
    private final Committer committer;
    private final Namespace ns;
    private final Attributes attrs;
    private final Handles handles = new Handles();
    private final ThreadLocal<byte[]> buffers = ThreadLocal.withInitial(() -> new byte[128 * 1024]);

    HammerFs(Path storeDir, Committer committer, View root) {
        this.storeDir = storeDir;
        this.committer = committer;
        this.ns = new Namespace(committer, new Resolver(root));
        this.attrs = new Attributes(new InodeNumbers(root));
    }

    // ---- attributes ----

    @Override
    public int getattr(String path, FileStat stat) {
        return call(() -> {
            attrs.fill(stat, committer.read(ctx -> attrs.stat(ctx, ns.resolveIn(ctx, path))));
            return 0;
        });
    }

    @Override
    public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        Node n = handles.get(fi.fh.get());
        if (n == null) {
            return getattr(path, stat);
        }
        return call(() -> {
            attrs.fill(stat, committer.read(ctx -> attrs.stat(ctx, n)));
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        return call(() -> {
            String text = committer.read(ctx -> attrs.readlink(ctx, ns.resolveIn(ctx, path)));
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(b.length, size - 1);
            buf.put(0, b, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int chmod(String path, long mode) {
        return call(() -> {
            ns.chmod(path, (int) mode);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        return call(() -> {
            ns.chown(path, id(uid), id(gid));
            return 0;
        });
    }

    /** (uid_t) -1, however it arrives, means "unchanged". */
    private static int id(long v) {
        return v == -1 || v == 0xFFFF_FFFFL ? -1 : (int) v;
    }

    @Override
    public int utimens(String path, Timespec[] ts) {
        return call(() -> {
            ns.utimens(path, nanos(ts[0]), nanos(ts[1]));
            return 0;
        });
    }

    private static long nanos(Timespec t) {
        long ns = t.tv_nsec.longValue();
        if (ns == UTIME_OMIT) {
            return -1;
        }
        if (ns == UTIME_NOW) {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }
        return t.tv_sec.get() * 1_000_000_000L + ns;
    }

    @Override
    public int truncate(String path, long size) {
        return call(() -> {
            ns.truncate(path, size);
            return 0;
        });
    }

    @Override
    public int ftruncate(String path, long size, FuseFileInfo fi) {
        Node n = handles.get(fi.fh.get());
        if (n == null) {
            return truncate(path, size);
        }
        return call(() -> {
            ns.truncate(n, size);
            return 0;
        });
    }

    @Override
    public int statfs(String path, Statvfs st) {
        return call(() -> {
            try {
                FileStore fs = Files.getFileStore(storeDir);
                st.f_bsize.set(BLOCK);
                st.f_frsize.set(BLOCK);
                st.f_blocks.set(fs.getTotalSpace() / BLOCK);
                st.f_bfree.set(fs.getUnallocatedSpace() / BLOCK);
                st.f_bavail.set(fs.getUsableSpace() / BLOCK);
                st.f_files.set(1L << 32);
                st.f_ffree.set(1L << 31);
                st.f_favail.set(1L << 31);
                st.f_namemax.set(255);
                return 0;
            } catch (IOException e) {
                throw new FsException(Errno.EIO, storeDir + ": " + e.getMessage());
            }
        });
    }

    // ---- namespace ----

    @Override
    public int mknod(String path, long mode, long rdev) {
        Namespace.Caller c = caller();
        return call(() -> {
            ns.mknod(path, (int) mode, rdev, c);
            return 0;
        });
    }

    @Override
    public int mkdir(String path, long mode) {
        Namespace.Caller c = caller();
        return call(() -> {
            ns.mkdir(path, (int) mode, c);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        return call(() -> {
            ns.unlink(path);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        return call(() -> {
            ns.rmdir(path);
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        Namespace.Caller c = caller();
        return call(() -> {
            ns.symlink(target, path, c);
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        return call(() -> {
            ns.rename(from, to);
            return 0;
        });
    }

    @Override
    public int link(String from, String to) {
        return call(() -> {
            ns.link(from, to);
            return 0;
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        return call(() -> {
            Node n = ns.resolve(path);
            fi.fh.set(handles.open(n));
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return call(() -> {
            Node dir = handles.get(fi.fh.get());
            if (dir == null) {
                dir = ns.resolve(path);
            }
            List<Entry> entries = ns.list(dir);
            FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
            for (Entry e : entries) {
                attrs.fillEntry(st, new Node(dir.view(), e.ino()), e.fileType());
                if (filler.apply(buf, e.name(), st, 0) != 0) {
                    break;
                }
            }
            return 0;
        });
    }

    @Override
    public int releasedir(String path, FuseFileInfo fi) {
        handles.release(fi.fh.get());
        return 0;
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return call(() -> {
            committer.sync();
            return 0;
        });
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
            int count = committer.read(ctx -> ctx.reader(n.view()).read(n.ino(), offset, b, 0, (int) size));
            buf.put(0, b, 0, count);
            return count;
        });
    }

    @Override
    public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
        return call(() -> {
            Node n = node(path, fi);
            byte[] b = buffer((int) size);
            buf.get(0, b, 0, (int) size);
            return committer.write(ctx -> ctx.writer(n.view()).write(n.ino(), offset, b, 0, (int) size), size);
        });
    }

    private Node node(String path, FuseFileInfo fi) {
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

    @Override
    public int flush(String path, FuseFileInfo fi) {
        return 0;
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
            return 0;
        });
    }

    // ---- extended attributes ----

    @Override
    public int setxattr(String path, String name, Pointer value, long size, int flags) {
        return call(() -> {
            byte[] v = new byte[(int) size];
            value.get(0, v, 0, v.length);
            ns.setxattr(path, name, v, flags);
            return 0;
        });
    }

    @Override
    public int getxattr(String path, String name, Pointer value, long size) {
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
        return call(() -> {
            ns.removexattr(path, name);
            return 0;
        });
    }

    // ---- plumbing ----

    private Namespace.Caller caller() {
        FuseContext c = getContext();
        return new Namespace.Caller((int) c.uid.get(), (int) c.gid.get());
    }

    /** Runs one callback: FsException is its errno, anything else is logged and EIO. */
    private static int call(IntSupplier op) {
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
