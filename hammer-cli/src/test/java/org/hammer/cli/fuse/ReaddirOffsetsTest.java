package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hammer.core.btree.DirEntry;
import org.junit.jupiter.api.Test;

/** The readdir offsets the kernel is given for directory-entry cookies, and back. */
class ReaddirOffsetsTest {

    /**
     * Offsets are positive (lseek refuses a negative one), above "." and "..", in the cookies'
     * unsigned order, and each gives back its cookie, for cookies of every hash, top bit set or not.
     */
    @Test
    void offsetsKeepTheCookiesOrderInSixtyThreeBitsAndGiveThemBack() {
        Random random = new Random(16);
        List<Long> cookies = new ArrayList<>(List.of(1L, 2L));
        for (int i = 0; i < 10_000; i++) {
            long hash = DirEntry.hashKey("name-" + random.nextInt());
            cookies.add(hash + random.nextInt(DirEntry.NAMES_PER_HASH));
        }
        cookies.add(0x10000L);
        cookies.add(-0x10000L + DirEntry.NAMES_PER_HASH - 1); // the last hash, its last index
        cookies.sort(Long::compareUnsigned);
        long before = 0;
        for (long c : cookies) {
            long off = KernelFs.offsetOf(c);
            assertThat(off).as("offset of %x", c).isPositive();
            if (c != 1 && c != 2) {
                assertThat(off).isGreaterThan(2);
            }
            assertThat(off).as("offset of %x after the one before", c).isGreaterThanOrEqualTo(before);
            assertThat(KernelFs.cookieAt(off)).isEqualTo(c);
            before = off;
        }
        assertThat(KernelFs.cookieAt(0)).isZero();
    }

    /**
     * A name past the bound of names per hash (a store written before it) shares its hash's last
     * offset, and a read resumed there goes on after every name of that hash: it never comes back.
     */
    @Test
    void aNamePastTheBoundResumesAfterItsHash() {
        long hash = DirEntry.hashKey("x");
        long past = KernelFs.offsetOf(hash + 0x9000);
        assertThat(past).isEqualTo(KernelFs.offsetOf(hash + 0x7FFF));
        assertThat(KernelFs.cookieAt(past)).isEqualTo(hash + 0xFFFF);
        assertThat(past).isGreaterThan(KernelFs.offsetOf(hash + DirEntry.NAMES_PER_HASH - 1));
    }
}
