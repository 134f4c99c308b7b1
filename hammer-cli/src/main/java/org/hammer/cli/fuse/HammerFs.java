package org.hammer.cli.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import jnr.ffi.Pointer;
import org.hammer.cli.metrics.MountProbe;
import org.hammer.core.fs.Committer;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.store.Store;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The libfuse2 high-level callbacks of a mount: each turns its path or handle into a
 * {@link Node}, runs on the {@link Committer}, and answers with 0, a count, or -errno. This class
 * holds attributes and the namespace; {@link FileCallbacks} file data and xattrs.
 */
final class HammerFs extends FileCallbacks {
    private static final long UTIME_NOW = (1L << 30) - 1;
    private static final long UTIME_OMIT = (1L << 30) - 2;
    private static final int BLOCK = 4096;

    private final Store store;
    private final Path storeDir;

    HammerFs(Store store, Committer<Ctx> committer, View root, Handles handles, MountProbe probe) {
        super(committer, root, handles, probe);
        this.store = store;
        this.storeDir = store.dir();
    }

    /**
     * The callback table to hand to libfuse, with two flags of the word after {@code bmap} set:
     * {@code flag_utime_omit_ok} (bit 2), without which libfuse2 drops a utimensat that sets only
     * one of the two times (tar sets mtime with atime UTIME_OMIT), and {@code flag_nullpath_ok}
     * (bit 0), without which libfuse2 fails every request through the handle of an unlinked open
     * file, which hard_remove leaves without a path.
     */
    ru.serce.jnrfuse.struct.FuseOperations operations() {
        jnr.ffi.Pointer mem = jnr.ffi.Struct.getMemory(fuseOperations);
        long at = flagsOffset();
        mem.putInt(at, mem.getInt(at) | 1 << 2 | 1);
        return fuseOperations;
    }

    /** Where the flags word lies: after the 38 callbacks up to bmap on LP64 (jnr hides offset()). */
    private long flagsOffset() {
        try {
            Object flags = fuseOperations.flag_nullpath_ok;
            java.lang.reflect.Method m = flags.getClass().getSuperclass().getDeclaredMethod("offset");
            m.setAccessible(true);
            return (Long) m.invoke(flags);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 38L * 8;
        }
    }

    // ---- attributes ----

    @Override
    public int getattr(String path, FileStat stat) {
        Caller c = caller();
        return call(() -> {
            if (committer.settled()) {
                attrs.fill(stat, committer.read(ctx -> attrs.stat(ctx, ns.resolveIn(ctx, path, c))));
            } else {
                Node n = ns.resolve(path, c);
                attrs.fill(stat, committer.readData(n, ctx -> attrs.stat(ctx, n)));
            }
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
            attrs.fill(stat, committer.readData(n, ctx -> attrs.stat(ctx, n)));
            return 0;
        });
    }

    @Override
    public int readlink(String path, Pointer buf, long size) {
        Caller c = caller();
        return call(() -> {
            String text = committer.read(ctx -> attrs.readlink(ctx, ns.resolveIn(ctx, path, c)));
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int n = (int) Math.min(b.length, size - 1);
            buf.put(0, b, 0, n);
            buf.putByte(n, (byte) 0);
            return 0;
        });
    }

    @Override
    public int chmod(String path, long mode) {
        Caller c = caller();
        return call(() -> {
            ns.chmod(path, (int) mode, c);
            return 0;
        });
    }

    @Override
    public int chown(String path, long uid, long gid) {
        Caller c = caller();
        return call(() -> {
            ns.chown(path, id(uid), id(gid), c);
            return 0;
        });
    }

    /** (uid_t) -1, however it arrives, means "unchanged". */
    private static int id(long v) {
        return v == -1 || v == 0xFFFF_FFFFL ? -1 : (int) v;
    }

    @Override
    public int utimens(String path, Timespec[] ts) {
        Caller c = caller();
        boolean explicit = explicit(ts[0]) || explicit(ts[1]);
        return call(() -> {
            ns.utimens(path, nanos(ts[0]), nanos(ts[1]), explicit, c);
            return 0;
        });
    }

    /** A time given as such, not "now" or "leave it". */
    private static boolean explicit(Timespec t) {
        long ns = t.tv_nsec.longValue();
        return ns != UTIME_NOW && ns != UTIME_OMIT;
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
        Caller c = caller();
        return call(() -> {
            ns.truncate(path, size, c);
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
            StoreSpace space = StoreSpace.of(store, storeDir);
            st.f_bsize.set(StoreSpace.BLOCK);
            st.f_frsize.set(StoreSpace.BLOCK);
            st.f_blocks.set(space.blocks());
            st.f_bfree.set(space.free());
            st.f_bavail.set(space.available());
            st.f_files.set(1L << 32);
            st.f_ffree.set(1L << 31);
            st.f_favail.set(1L << 31);
            st.f_namemax.set(255);
            return 0;
        });
    }

    // ---- namespace ----

    @Override
    public int mknod(String path, long mode, long rdev) {
        Caller c = caller();
        return call(() -> {
            ns.mknod(path, (int) mode, rdev, c);
            return 0;
        });
    }

    @Override
    public int mkdir(String path, long mode) {
        Caller c = caller();
        return call(() -> {
            ns.mkdir(path, (int) mode, c);
            return 0;
        });
    }

    @Override
    public int unlink(String path) {
        Caller c = caller();
        return call(() -> {
            ns.unlink(path, c);
            return 0;
        });
    }

    @Override
    public int rmdir(String path) {
        Caller c = caller();
        return call(() -> {
            ns.rmdir(path, c);
            return 0;
        });
    }

    @Override
    public int symlink(String target, String path) {
        Caller c = caller();
        return call(() -> {
            ns.symlink(target, path, c);
            return 0;
        });
    }

    @Override
    public int rename(String from, String to) {
        Caller c = caller();
        return call(() -> {
            ns.rename(from, to, c);
            return 0;
        });
    }

    @Override
    public int link(String from, String to) {
        Caller c = caller();
        return call(() -> {
            ns.link(from, to, c);
            return 0;
        });
    }

    @Override
    public int opendir(String path, FuseFileInfo fi) {
        Caller c = caller();
        return call(() -> {
            Node n = committer.read(ctx -> {
                Node r = ns.resolveIn(ctx, path, c);
                if (!c.root()) {
                    c.check(ctx.getattr(r), Caller.R, path);
                }
                return r;
            });
            fi.fh.set(handles.open(n));
            return 0;
        });
    }

    @Override
    public int readdir(String path, Pointer buf, FuseFillDir filler, long offset, FuseFileInfo fi) {
        return call(() -> {
            Node dir = handles.get(fi.fh.get());
            if (dir == null) {
                dir = ns.resolve(path, caller());
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
        return call(() -> {
            io.release(fi.fh.get());
            return 0;
        });
    }

    @Override
    public int fsyncdir(String path, FuseFileInfo fi) {
        return call(() -> {
            committer.sync();
            return 0;
        });
    }
}
