package org.hammer.core.cpdup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.btree.Inode;

/**
 * Fifos and device nodes on the local side, through mknod(1), chown(1) and touch(1): Java has
 * no mknod, and its own attribute calls open the file, which blocks on a fifo.
 */
final class SpecialFiles {
    private SpecialFiles() {
    }

    /** Creates {@code p} as {@code want} describes it; null for a socket, which only its server can make. */
    static Path make(Path p, Meta want) {
        List<String> cmd = new ArrayList<>(List.of("mknod", "-m", Integer.toOctalString(want.perm()), p.toString()));
        switch (want.type()) {
            case Inode.S_IFIFO -> cmd.add("p");
            case Inode.S_IFCHR, Inode.S_IFBLK -> {
                cmd.add(want.type() == Inode.S_IFCHR ? "c" : "b");
                cmd.add(Long.toString(major(want.rdev())));
                cmd.add(Long.toString(minor(want.rdev())));
            }
            default -> {
                return null;
            }
        }
        exec(p, cmd);
        return p;
    }

    static void setAttrs(Path p, Meta want) {
        exec(p, List.of("chown", "-h", want.uid() + ":" + want.gid(), p.toString()));
        exec(p, List.of("chmod", Integer.toOctalString(want.perm()), p.toString()));
        exec(p, List.of("touch", "-h", "-a", "-d", stamp(want.atimeNs()), p.toString()));
        exec(p, List.of("touch", "-h", "-m", "-d", stamp(want.mtimeNs()), p.toString()));
    }

    /** Linux's dev_t layout (glibc gnu_dev_major / gnu_dev_minor). */
    static long major(long rdev) {
        return ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    }

    static long minor(long rdev) {
        return (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    }

    private static String stamp(long nanos) {
        return String.format("@%d.%09d", Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
    }

    private static void exec(Path p, List<String> cmd) {
        try {
            Process proc = org.hammer.core.transport.ChildProcesses.builder(cmd).redirectErrorStream(true).start();
            proc.getOutputStream().close();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (proc.waitFor() != 0) {
                throw new ObjectFailure(p + ": " + cmd.get(0) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new ObjectFailure(p + ": cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HammerException.failure(p + ": interrupted while running " + cmd.get(0));
        }
    }
}
