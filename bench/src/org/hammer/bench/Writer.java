package org.hammer.bench;

import java.util.SplittableRandom;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;

/**
 * {@code Writer MASTER SECONDS [FILES] [FILE_BYTES] [TXN_BYTES]}: rewrites FILES files of
 * FILE_BYTES round-robin on the master for SECONDS, committing every TXN_BYTES, and prints the
 * throughput and the store's used bytes before and after.
 */
public final class Writer {
    private Writer() {
    }

    public static void main(String[] args) {
        double seconds = Double.parseDouble(args[1]);
        int files = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        int fileBytes = args.length > 3 ? Integer.parseInt(args[3]) : 64 << 10;
        int txnBytes = args.length > 4 ? Integer.parseInt(args[4]) : 1 << 20;
        byte[] data = new byte[fileBytes];
        new SplittableRandom(7).nextBytes(data);
        try (PfsPath m = PfsPath.resolve(args[0])) {
            int pfs = m.pfs();
            long used0 = m.store().usedBytes();
            long[] ino = new long[files];
            m.store().write(w -> {
                FsWriter f = Pfses.writer(w, pfs);
                FsReader r = new FsReader(w, pfs, Tid.MAX);
                for (int i = 0; i < files; i++) {
                    String name = "writer-" + i;
                    long x = r.find(FsReader.ROOT, name);
                    ino[i] = x != 0 ? x : f.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
                }
                return null;
            });
            long bytes = 0;
            long txns = 0;
            int next = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                int first = next;
                int per = Math.max(1, txnBytes / fileBytes);
                m.store().write(w -> {
                    FsWriter f = Pfses.writer(w, pfs);
                    for (int k = 0; k < per; k++) {
                        data[k % data.length] ^= 1;
                        f.write(ino[(first + k) % files], 0, data, 0, data.length);
                    }
                    return null;
                });
                next = (first + per) % files;
                bytes += (long) per * fileBytes;
                txns++;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.printf("writer bytes=%d seconds=%.3f mbps=%.2f txns=%d txnps=%.1f used0=%d used1=%d%n", bytes, s,
                    bytes / s / 1e6, txns, txns / s, used0, m.store().usedBytes());
        }
    }
}
