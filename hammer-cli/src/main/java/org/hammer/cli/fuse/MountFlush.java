package org.hammer.cli.fuse;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.hammer.core.HammerException;
import org.hammer.core.pfs.MountTable;

/**
 * Makes a mount's daemon commit and sync what it has acknowledged, from another process: an
 * fsync of any directory of the mount does it. Every command runs {@link #flushStore} before it
 * opens a store (Main sets it as the store's {@code beforeOpening}), so whatever reads a mounted
 * store directly sees every write made through its mounts.
 */
public final class MountFlush {
    /** {@link #flushStore} as the store's {@code beforeOpening} (a class, not a lambda: no bootstrap at start-up). */
    public static final Consumer<Path> BEFORE_OPENING = new Consumer<>() {
        @Override
        public void accept(Path storeDir) {
            flushStore(storeDir);
        }
    };

    private MountFlush() {
    }

    /**
     * Flushes every mount that shows the store in {@code storeDir}, whichever PFS it shows: a
     * command about to read that store sees every write the mounts acknowledged.
     */
    public static void flushStore(Path storeDir) {
        Path store = real(storeDir);
        for (MountTable.Mount m : MountTable.read()) {
            if (real(m.storeDir()).equals(store)) {
                try (FileChannel dir = FileChannel.open(m.mountPoint(), StandardOpenOption.READ)) {
                    dir.force(true);
                } catch (IOException e) {
                    // a stale or busy mount: its daemon is gone or will commit on its own
                }
            }
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Flushes the mount holding {@code path}, if any; returns whether there was one. */
    public static boolean flush(Path path) {
        MountTable.Mount m = MountTable.find(Fusermount.resolved(path));
        if (m == null) {
            return false;
        }
        try (FileChannel dir = FileChannel.open(m.mountPoint(), StandardOpenOption.READ)) {
            dir.force(true);
            return true;
        } catch (IOException e) {
            throw HammerException.failure(m.mountPoint() + ": cannot flush the mount: " + e.getMessage());
        }
    }
}
