package org.hammer.core.integrity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Random;

/**
 * A real tree for damage tests: 520 small files (0-8 KB) in 26 directories, 6 medium files
 * (60-200 KB) and 2 large ones (1.2-1.6 MB, so 64 KiB blocks too), a few symlinks, fixed mtimes.
 * <pre>
 * tree/
 *   d00/ .. d25/   f000 .. f019   (small)
 *   medium/        m00 .. m05
 *   large/         l0 l1
 *   links/         s0 -> ../d00/f000 ...
 * </pre>
 */
final class Trees {
    private Trees() {
    }

    static void write(Path root, Random rnd) throws IOException {
        for (int d = 0; d < 26; d++) {
            Path dir = Files.createDirectories(root.resolve(String.format("d%02d", d)));
            for (int f = 0; f < 20; f++) {
                file(dir.resolve(String.format("f%03d", f)), rnd.nextInt(8_000), rnd);
            }
        }
        Path medium = Files.createDirectories(root.resolve("medium"));
        for (int i = 0; i < 6; i++) {
            file(medium.resolve(String.format("m%02d", i)), 60_000 + rnd.nextInt(140_000), rnd);
        }
        Path large = Files.createDirectories(root.resolve("large"));
        for (int i = 0; i < 2; i++) {
            file(large.resolve("l" + i), 1_200_000 + rnd.nextInt(400_000), rnd);
        }
        Path links = Files.createDirectories(root.resolve("links"));
        for (int i = 0; i < 5; i++) {
            Files.createSymbolicLink(links.resolve("s" + i), Path.of("../d0" + i + "/f00" + i));
        }
    }

    private static void file(Path p, int size, Random rnd) throws IOException {
        byte[] data = new byte[size];
        rnd.nextBytes(data);
        Files.write(p, data);
        Files.setLastModifiedTime(p, FileTime.fromMillis(1_000_000_000_000L + rnd.nextInt(1_000_000_000)));
    }
}
