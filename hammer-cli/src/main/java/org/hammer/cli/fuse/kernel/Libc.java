package org.hammer.cli.fuse.kernel;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

/** The C library calls the FUSE device needs, through jnr-ffi; loaded only by a kernel-protocol mount. */
final class Libc {
    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 02000000;
    static final int EINTR = 4;
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int ENODEV = 19;
    static final int ECONNABORTED = 103;
    static final int ENOTCONN = 107;
    static final int ECANCELED = 125;
    static final long MS_RDONLY = 1;
    static final long MS_NOSUID = 2;
    static final long MS_NODEV = 4;
    static final int MNT_DETACH = 2;

    /** The functions, as jnr-ffi binds them. */
    public interface C {
        int open(String path, int flags);

        int close(int fd);

        long read(int fd, Pointer buf, long count);

        long write(int fd, Pointer buf, long count);

        int ioctl(int fd, long request, IntByReference arg);

        int mount(String source, String target, String type, long flags, String data);

        int umount2(String target, int flags);

        String strerror(int errno);
    }

    private static volatile C c;

    private Libc() {
    }

    static C c() {
        C x = c;
        if (x == null) {
            synchronized (Libc.class) {
                if (c == null) {
                    c = LibraryLoader.create(C.class).failImmediately().load("c");
                }
                x = c;
            }
        }
        return x;
    }

    /** The errno of the calling thread's last call. */
    static int errno() {
        return LastError.getLastError(Runtime.getRuntime(c()));
    }

    static String strerror(int errno) {
        return c().strerror(errno);
    }
}
