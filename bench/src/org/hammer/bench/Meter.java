package org.hammer.bench;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@code Meter [LIMIT]}: reads standard input (up to LIMIT bytes, then exits) and prints the bytes
 * read and the rate from the first byte to the last.
 */
public final class Meter {
    private Meter() {
    }

    public static void main(String[] args) throws IOException {
        long limit = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        InputStream in = System.in;
        byte[] buf = new byte[1 << 16];
        long total = 0;
        long first = 0;
        int n;
        while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
            if (total == 0) {
                first = System.nanoTime();
            }
            total += n;
        }
        double s = total == 0 ? 0 : (System.nanoTime() - first) / 1e9;
        System.out.printf("meter bytes=%d seconds=%.3f rate=%.0f%n", total, s, s > 0 ? total / s : 0);
    }
}
