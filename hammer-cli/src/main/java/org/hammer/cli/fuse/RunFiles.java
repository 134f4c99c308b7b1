package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;

/**
 * The files a mount keeps beside the mount table in {@code $HAMMER_RUN_DIR}: the daemon's log
 * and pid file, named after the mount point, and a lock that serializes table updates between
 * processes.
 */
final class RunFiles {
    private RunFiles() {
    }

    static Path dir() {
        return MountTable.file().getParent();
    }

    private static String stem(Path mountPoint) {
        return String.format("mount-%08x", mountPoint.toString().hashCode());
    }

    static Path log(Path mountPoint) {
        return dir().resolve(stem(mountPoint) + ".log");
    }

    static Path pidFile(Path mountPoint) {
        return dir().resolve(stem(mountPoint) + ".pid");
    }

    static void writePid(Path mountPoint) {
        try {
            Files.createDirectories(dir());
            Files.writeString(pidFile(mountPoint), ProcessHandle.current().pid() + "\n");
        } catch (IOException e) {
            throw HammerException.failure(pidFile(mountPoint) + ": " + e.getMessage());
        }
    }

    /** The live daemon serving a mount point, if its pid file names one. */
    static Optional<ProcessHandle> daemon(Path mountPoint) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile(mountPoint)).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until the daemon has finished: the process is dead or a zombie, or its pid file is gone
     * (it deletes it after closing the store) and the process has not ended within a moment more
     * (the JVM's own exit). False on timeout.
     */
    static boolean awaitExit(Path mountPoint, ProcessHandle daemon, long timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        long storeClosed = 0;
        while (System.nanoTime() < deadline) {
            if (!daemon.isAlive() || isZombie(daemon.pid())) {
                return true;
            }
            if (!Files.exists(pidFile(mountPoint))) {
                if (storeClosed == 0) {
                    storeClosed = System.nanoTime();
                } else if (System.nanoTime() - storeClosed > EXIT_GRACE_NS) {
                    return true;
                }
            }
            try {
                Thread.sleep(storeClosed == 0 ? 20 : 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** How long a daemon that has closed its store may take to end before umount returns anyway. */
    private static final long EXIT_GRACE_NS = 2_000_000_000L;

    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    static void deletePid(Path mountPoint) {
        try {
            Files.deleteIfExists(pidFile(mountPoint));
        } catch (IOException e) {
            // Stale pid files are ignored by daemon().
        }
    }

    /** One change of the mount table under a lock shared by every hammer process. */
    static void update(TableChange change) {
        try {
            Files.createDirectories(dir());
            try (FileChannel ch = FileChannel.open(dir().resolve("mounts.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                change.run();
            }
        } catch (IOException e) {
            throw HammerException.failure(MountTable.file() + ": " + e.getMessage());
        }
    }

    interface TableChange {
        void run() throws IOException;
    }
}
