package org.hammer.cli.fuse.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Mounting and unmounting a FUSE filesystem without libfuse: as root, {@code mount(2)} of type
 * {@code fuse.SUBTYPE} with the device descriptor in its options; as another user, the setuid
 * {@code fusermount3}, which mounts and hands the descriptor back over a Unix socket
 * ({@code _FUSE_COMMFD}, SCM_RIGHTS), as libfuse does.
 */
public final class KernelMount {
    private static final int AF_UNIX = 1;
    private static final int SOCK_STREAM = 1;
    private static final int SCM_RIGHTS = 1;
    private static final int SOL_SOCKET = 1;

    /** How to mount: what mount(8) shows, read-only or not, and the kernel's FUSE options. */
    public record Options(String fsname, String subtype, boolean readOnly, boolean allowOther,
            boolean defaultPermissions) {
        /** The FUSE options after fd, rootmode, user_id and group_id. */
        String fuseOptions() {
            StringBuilder b = new StringBuilder();
            if (defaultPermissions) {
                b.append(",default_permissions");
            }
            if (allowOther) {
                b.append(",allow_other");
            }
            return b.toString();
        }
    }

    private KernelMount() {
    }

    /**
     * Mounts on {@code mountPoint}; returns the device descriptor to serve it on. Root mounts
     * itself unless {@code -Dhammer.fuse.fusermount=true} asks for fusermount3's way (tests).
     */
    public static int mount(Path mountPoint, Options o) {
        boolean root = uid() == 0;
        return root && !Boolean.getBoolean("hammer.fuse.fusermount") ? mountAsRoot(mountPoint, o)
                : mountWithFusermount(mountPoint, o);
    }

    private static long uid() {
        return POSIXFactory.getNativePOSIX().getuid();
    }

    static int mountAsRoot(Path mountPoint, Options o) {
        Libc.C c = Libc.c();
        int fd = c.open("/dev/fuse", Libc.O_RDWR | Libc.O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("/dev/fuse: " + Libc.strerror(Libc.errno()));
        }
        String data = "fd=" + fd + ",rootmode=40000,user_id=0,group_id=0" + o.fuseOptions();
        long flags = Libc.MS_NOSUID | Libc.MS_NODEV | (o.readOnly() ? Libc.MS_RDONLY : 0);
        if (c.mount(o.fsname(), mountPoint.toString(), "fuse." + o.subtype(), flags, data) != 0) {
            int e = Libc.errno();
            c.close(fd);
            throw new IllegalStateException(mountPoint + ": mount: " + Libc.strerror(e));
        }
        return fd;
    }

    /** fusermount3 -o OPTIONS -- MOUNTPOINT with _FUSE_COMMFD set to one end of a socket pair. */
    static int mountWithFusermount(Path mountPoint, Options o) {
        POSIX posix = POSIXFactory.getNativePOSIX();
        int[] pair = new int[2];
        if (posix.socketpair(AF_UNIX, SOCK_STREAM, 0, pair) != 0) {
            throw new IllegalStateException("socketpair: " + posix.strerror(posix.errno()));
        }
        try {
            if (o.allowOther() && uid() != 0 && !userAllowOther(Path.of("/etc/fuse.conf"))) {
                System.err.println("hammer mount: " + mountPoint + ": only this user can use the mount"
                        + " (allow_other needs user_allow_other in /etc/fuse.conf)");
                o = new Options(o.fsname(), o.subtype(), o.readOnly(), false, o.defaultPermissions());
            }
            String opts = "fsname=" + o.fsname() + ",subtype=" + o.subtype() + o.fuseOptions()
                    + (o.readOnly() ? ",ro" : "") + ",nosuid,nodev";
            List<String> cmd = new ArrayList<>(List.of("fusermount3", "-o", opts, "--", mountPoint.toString()));
            int status = runWithFd(posix, cmd, pair[0]);
            if (status != 0) {
                throw new IllegalStateException(mountPoint + ": fusermount3 exited with " + status);
            }
            int fd = receiveFd(posix, pair[1]);
            System.err.println("hammer mount: " + mountPoint + ": mounted through fusermount3");
            return fd;
        } finally {
            posix.close(pair[0]);
            posix.close(pair[1]);
        }
    }

    /** Whether fuse.conf lets users other than root mount with allow_other ({@code user_allow_other}). */
    static boolean userAllowOther(Path conf) {
        try {
            for (String line : java.nio.file.Files.readAllLines(conf)) {
                if (line.strip().equals("user_allow_other")) {
                    return true;
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // no such file: not allowed
        }
        return false;
    }

    /** Runs {@code cmd} with descriptor {@code fd} inherited and named in {@code _FUSE_COMMFD}. */
    private static int runWithFd(POSIX posix, List<String> cmd, int fd) {
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> env.add(k + "=" + v));
        env.add("_FUSE_COMMFD=" + fd);
        // The JVM opens descriptors close-on-exec; the socket must reach the child.
        posix.fcntlInt(fd, jnr.constants.platform.Fcntl.F_SETFD, 0);
        long pid = posix.posix_spawnp(cmd.get(0), List.of(), cmd, env);
        if (pid <= 0) {
            throw new IllegalStateException("fusermount3: cannot run it: " + posix.strerror(posix.errno()));
        }
        int[] status = new int[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (posix.waitpid(pid, status, 0) < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("fusermount3: no exit status");
            }
        }
        return (status[0] >> 8) & 0xff;
    }

    /** The descriptor fusermount3 sent as SCM_RIGHTS ancillary data. */
    private static int receiveFd(POSIX posix, int sock) {
        MsgHdr msg = posix.allocateMsgHdr();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocateDirect(1);
        msg.setIov(new java.nio.ByteBuffer[] {one});
        msg.allocateControl(4);
        int n = posix.recvmsg(sock, msg, 0);
        if (n <= 0 || msg.getControls().length == 0) {
            throw new IllegalStateException("fusermount3 sent no descriptor");
        }
        jnr.posix.CmsgHdr cm = msg.getControls()[0];
        if (cm.getLevel() != SOL_SOCKET || cm.getType() != SCM_RIGHTS) {
            throw new IllegalStateException("fusermount3 sent no descriptor");
        }
        return cm.getData().order(java.nio.ByteOrder.nativeOrder()).getInt(0);
    }

    /** Unmounts: umount2 as root (lazily with {@code lazy}), else fusermount3 -u; true when done. */
    public static boolean unmount(Path mountPoint, boolean lazy) {
        if (uid() == 0) {
            return Libc.c().umount2(mountPoint.toString(), lazy ? Libc.MNT_DETACH : 0) == 0;
        }
        try {
            Process p = new ProcessBuilder("fusermount3", lazy ? "-uz" : "-u", mountPoint.toString())
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
