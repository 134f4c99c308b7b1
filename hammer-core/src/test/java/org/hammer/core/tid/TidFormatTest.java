package org.hammer.core.tid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** TIDs print as hammer(8) prints them: {@code 0x} and 16 hex digits, as {@code %016x} would. */
class TidFormatTest {
    @Test
    void formatIsPercent016xWithItsPrefixForEveryValue() {
        assertThat(Tid.format(0)).isEqualTo("0x0000000000000000");
        assertThat(Tid.format(Tid.MAX)).isEqualTo("0xffffffffffffffff");
        assertThat(Tid.format(Tid.FIRST)).isEqualTo("0x0000000100000000");
        Random r = new Random(7);
        for (int i = 0; i < 10_000; i++) {
            long v = r.nextLong() >>> r.nextInt(64);
            assertThat(Tid.hex(v)).isEqualTo(String.format("%016x", v));
            assertThat(Tid.parseHex(Tid.format(v))).isEqualTo(v);
        }
    }
}
