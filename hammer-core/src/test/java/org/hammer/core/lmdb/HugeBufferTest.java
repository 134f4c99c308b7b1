package org.hammer.core.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Posix#hugeBuffer}: aligned, zeroed, and on huge pages where the kernel has them. */
class HugeBufferTest {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

    @Test
    void aHugeBufferStartsAtAHugePageAndReadsAsZeros() {
        ByteBuffer b = Posix.hugeBuffer(3 << 20);
        assertThat(b.isDirect()).isTrue();
        assertThat(b.capacity()).isEqualTo(3 << 20);
        assertThat(Posix.address(b) % Posix.HUGE_PAGE).isZero();
        for (int i = 0; i < b.capacity(); i += 4096) {
            assertThat(b.get(i)).isZero();
        }
        b.put(b.capacity() - 1, (byte) 7);
        assertThat(b.get(b.capacity() - 1)).isEqualTo((byte) 7);
    }

    /**
     * Made, it costs no page of memory until used: the JVM's own allocation zeroed each small page
     * at once, 4,096 faults for 16 MiB, in whichever request first asked for a read ahead.
     */
    @Test
    void aHugeBufferIsNotTouchedWhenMade() throws IOException {
        Posix.hugeBuffer(1 << 20); // the class and its native library loaded
        long before = minorFaults();
        ByteBuffer b = Posix.hugeBuffer(16 << 20);
        long faults = minorFaults() - before;
        assertThat(faults).as("page faults of this thread while 16 MiB were made").isLessThan(256);
        for (int i = 0; i < b.capacity(); i += 4096) {
            assertThat(b.get(i)).isZero();
        }
    }

    /** This thread's minor page faults so far (/proc/thread-self/stat, field 10). */
    private static long minorFaults() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[7]);
    }

    /**
     * Touched, its memory is backed by huge pages: the mapping that holds it counts some in
     * /proc/self/smaps (where the kernel offers transparent huge pages at all).
     */
    @Test
    void aHugeBufferIsBackedByHugePages() throws IOException {
        assumeTrue(Files.isReadable(THP) && !Files.readString(THP).contains("[never]"), "no transparent huge pages");
        ByteBuffer b = Posix.hugeBuffer(4 << 20);
        for (int i = 0; i < b.capacity(); i += 4096) {
            b.put(i, (byte) 1);
        }
        long at = Posix.address(b);
        assertThat(hugeKiB(at)).as("AnonHugePages of the mapping holding the buffer").isGreaterThanOrEqualTo(2048);
    }

    /** The AnonHugePages (KiB) of the mapping in /proc/self/smaps that holds {@code address}. */
    private static long hugeKiB(long address) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean in = false;
        for (String line : lines) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                in = Long.compareUnsigned(from, address) <= 0 && Long.compareUnsigned(address, to) < 0;
            } else if (in && line.startsWith("AnonHugePages:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
