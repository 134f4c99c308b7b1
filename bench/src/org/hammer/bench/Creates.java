package org.hammer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code Creates DIR COUNT}: creates COUNT empty files in DIR and prints the rate. */
public final class Creates {
    private Creates() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int count = Integer.parseInt(args[1]);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Files.createFile(dir.resolve("c" + i));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("creates n=%d seconds=%.3f rate=%.0f%n", count, s, count / s);
    }
}
