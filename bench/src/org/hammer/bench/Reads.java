package org.hammer.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.hammer.core.store.Store;

/**
 * {@code Reads DIR COUNT}: the fixed cost of one read of a store, as a mount's LOOKUP or GETATTR
 * pays it for each snapshot it reads: COUNT reads of the TID counter in a new store in DIR, in
 * five rounds; prints each round's and the median microseconds per read (the first rounds include
 * the JIT's warm-up).
 */
public final class Reads {
    private Reads() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory(Path.of(args[0]), "reads");
        int count = Integer.parseInt(args[1]);
        double[] us = new double[5];
        try (Store s = Store.create(dir.resolve("s"), "reads", 1L << 30)) {
            long sum = 0;
            for (int round = 0; round < us.length; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    sum += s.read(r -> r.lastTid());
                }
                us[round] = (System.nanoTime() - t0) / 1e3 / count;
            }
            String rounds = Arrays.toString(Arrays.stream(us).mapToObj(u -> String.format("%.2f", u)).toArray());
            double[] sorted = us.clone();
            Arrays.sort(sorted);
            System.out.printf("reads n=%d us-per-read=%.2f rounds=%s (%d)%n", count, sorted[2], rounds, sum & 1);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
