package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/** CRCs made from parts equal the JDK's CRC32C over the whole, for any split. */
class Crc32cTest {
    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    @Test
    void combineAndSuffixAgreeWithTheJdkForEverySplit() {
        Random rnd = new Random(20261130);
        for (int i = 0; i < 2000; i++) {
            int n = i < 40 ? i : rnd.nextInt(i < 1000 ? 300 : 200_000);
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            int cut = n == 0 ? 0 : rnd.nextInt(n + 1);
            int whole = crc(b, 0, n);
            int a = crc(b, 0, cut);
            int tail = crc(b, cut, n - cut);
            assertThat(Crc32c.combine(a, tail, n - cut)).as("combine, %d bytes cut at %d", n, cut).isEqualTo(whole);
            assertThat(Crc32c.suffix(whole, a, n - cut)).as("suffix, %d bytes cut at %d", n, cut).isEqualTo(tail);
        }
    }

    @Test
    void aStreamOfFramesCombinesToTheCrcOfAllItsBytes() {
        Random rnd = new Random(7);
        CRC32C all = new CRC32C();
        int combined = 0;
        for (int f = 0; f < 50; f++) {
            byte[] b = new byte[rnd.nextInt(70_000)];
            rnd.nextBytes(b);
            all.update(b);
            combined = Crc32c.combine(combined, crc(b, 0, b.length), b.length);
        }
        assertThat(combined).isEqualTo((int) all.getValue());
        assertThat(Crc32c.combine(0, 0, 0)).as("nothing after nothing").isZero();
    }
}
