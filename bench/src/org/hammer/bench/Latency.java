package org.hammer.bench;

import java.util.Arrays;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;

/**
 * {@code Latency MASTER SLAVE COUNT [PAUSE_MS]}: with a mirror-stream running from MASTER to SLAVE,
 * commits COUNT small writes to one file on the master (each its own durable commit) and measures,
 * for each, the time from the commit's return to the slave's sync-end-tid reaching its TID (polled
 * every millisecond). Prints every sample in ms, then a summary line.
 */
public final class Latency {
    private Latency() {
    }

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[2]);
        long pause = args.length > 3 ? Long.parseLong(args[3]) : 20;
        try (PfsPath m = PfsPath.resolve(args[0]); PfsPath s = PfsPath.resolve(args[1])) {
            int mp = m.pfs();
            int sp = s.pfs();
            String name = "latency-probe-" + ProcessHandle.current().pid();
            double[] ms = new double[count];
            for (int i = 0; i < count; i++) {
                byte[] data = ("sample " + i + " at " + System.nanoTime() + "\n").getBytes();
                long tid = m.store().write(w -> {
                    FsWriter f = Pfses.writer(w, mp);
                    long ino = new FsReader(w, mp, Tid.MAX).find(FsReader.ROOT, name);
                    if (ino == 0) {
                        ino = f.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
                    }
                    f.write(ino, 0, data, 0, data.length);
                    return w.tid();
                });
                long t0 = System.nanoTime();
                long deadline = t0 + 60_000_000_000L;
                while (Long.compareUnsigned(s.store().read(r -> PfsTable.get(r, sp).syncEndTid()), tid) < 0) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("sample " + i + ": not visible on the slave after 60 s");
                    }
                    Thread.sleep(1);
                }
                ms[i] = (System.nanoTime() - t0) / 1e6;
                System.out.printf("sample %d %.3f%n", i, ms[i]);
                Thread.sleep(pause);
            }
            Arrays.sort(ms);
            System.out.printf("latency n=%d p50=%.1f p99=%.1f max=%.1f%n", count, pct(ms, 50), pct(ms, 99),
                    ms[count - 1]);
        }
    }

    static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
