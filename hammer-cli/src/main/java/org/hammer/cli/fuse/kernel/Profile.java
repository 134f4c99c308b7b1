package org.hammer.cli.fuse.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Per-opcode counts of the requests a session handled, with the wall and thread CPU time their
 * handling took (from the decoded request to the encoded reply: not the read and write of
 * /dev/fuse), printed to the daemon's log when the session ends ({@code -Dhammer.fuse.profile=true}).
 */
final class Profile {
    private static final int OPCODES = 64;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final AtomicLongArray count = new AtomicLongArray(OPCODES);
    private final AtomicLongArray wallNs = new AtomicLongArray(OPCODES);
    private final AtomicLongArray cpuNs = new AtomicLongArray(OPCODES);

    /** This thread's CPU time in nanoseconds. */
    static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }

    void add(int opcode, long wall, long cpu) {
        int i = opcode >= 0 && opcode < OPCODES ? opcode : 0;
        count.incrementAndGet(i);
        wallNs.addAndGet(i, wall);
        cpuNs.addAndGet(i, cpu);
    }

    void print() {
        StringBuilder b = new StringBuilder("fuse profile: opcode requests wall-ms cpu-ms us-cpu/request\n");
        long n = 0;
        long w = 0;
        long c = 0;
        for (int i = 0; i < OPCODES; i++) {
            long k = count.get(i);
            if (k == 0) {
                continue;
            }
            n += k;
            w += wallNs.get(i);
            c += cpuNs.get(i);
            b.append(String.format("fuse profile: %-12s %8d %9.1f %9.1f %7.1f%n", Protocol.name(i), k,
                    wallNs.get(i) / 1e6, cpuNs.get(i) / 1e6, cpuNs.get(i) / 1e3 / k));
        }
        b.append(String.format("fuse profile: %-12s %8d %9.1f %9.1f %7.1f%n", "total", n, w / 1e6, c / 1e6,
                n == 0 ? 0 : c / 1e3 / n));
        System.err.print(b);
    }
}
