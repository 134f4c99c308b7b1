package org.hammer.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Generates data sets. {@code small DIR COUNT SEED}: COUNT text files of 0..8 KiB (compressible,
 * about 4 KiB on average) at {@code DIR/dNNN/fNNNNNN.txt}, 100 per directory.
 * {@code big DIR COUNT BYTES SEED}: COUNT incompressible files of BYTES each.
 * {@code blob FILE BYTES SEED}: one incompressible file.
 */
public final class Gen {
    private static final String[] WORDS = ("the of and to in is was for on that with as by at from his it an were "
            + "are which this be or has had not but first one their its new after who they have her she two been "
            + "other when there all during into school time may years more most only over city some world would "
            + "where later up such used many can state about national out known university united then made "
            + "mirror record stream master slave snapshot prune tid store commit batch").split(" ");

    private Gen() {
    }

    public static void main(String[] args) throws IOException {
        switch (args[0]) {
            case "small" -> small(Path.of(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
            case "big" -> {
                Path dir = Path.of(args[1]);
                Files.createDirectories(dir);
                int n = Integer.parseInt(args[2]);
                for (int i = 0; i < n; i++) {
                    blob(dir.resolve(String.format("big%02d.bin", i)), Long.parseLong(args[3]),
                            Long.parseLong(args[4]) + i);
                }
            }
            case "blob" -> blob(Path.of(args[1]), Long.parseLong(args[2]), Long.parseLong(args[3]));
            default -> throw new IllegalArgumentException("usage: Gen small|big|blob ...");
        }
    }

    /** The path of file {@code i} of a small-file set, as bench/run computes it. */
    static Path smallPath(Path dir, int i) {
        return dir.resolve(String.format("d%03d/f%06d.txt", i / 100, i));
    }

    static void small(Path dir, int count, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder(9000);
        for (int i = 0; i < count; i++) {
            Path p = smallPath(dir, i);
            if (i % 100 == 0) {
                Files.createDirectories(p.getParent());
            }
            int size = rnd.nextInt(8192);
            sb.setLength(0);
            while (sb.length() < size) {
                sb.append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(12) == 0 ? '\n' : ' ');
            }
            sb.setLength(size);
            Files.write(p, sb.toString().getBytes(StandardCharsets.US_ASCII));
        }
    }

    static void blob(Path file, long bytes, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = bytes; left > 0; ) {
                for (int i = 0; i < buf.length; i += 8) {
                    long v = rnd.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[i + b] = (byte) (v >>> (b * 8));
                    }
                }
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }
}
