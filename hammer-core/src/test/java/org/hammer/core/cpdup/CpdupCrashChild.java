package org.hammer.core.cpdup;

import java.nio.file.Path;
import java.util.List;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsPath;

/**
 * The process {@link CpdupCrashTest} kills: copies {@code args[0]} into the PFS root
 * {@code args[1]} and, once {@code args[2]} bytes of a file have been read (by which time its
 * earlier pieces have been committed), prints {@code STALLED} and waits to be killed (two minutes
 * at most).
 */
public final class CpdupCrashChild {
    private CpdupCrashChild() {
    }

    public static void main(String[] args) {
        long stallAt = Long.parseLong(args[2]);
        HookedSource src = new HookedSource(Path.of(args[0]), (file, offset) -> {
            if (offset >= stallAt) {
                System.out.println("STALLED");
                System.out.flush();
                sleep(120_000);
                throw new IllegalStateException("not killed within two minutes");
            }
        });
        try (PfsPath to = PfsPath.resolve(args[1])) {
            PfsTarget dst = new PfsTarget(to.store(), to.pfs(), FsReader.ROOT, null, List.of(), args[1]);
            new Walk<>(src, dst, null).run();
        }
        System.out.println("DONE");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
