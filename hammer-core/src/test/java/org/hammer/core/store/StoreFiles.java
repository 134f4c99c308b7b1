package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.Pfses;

/** Files of PFS #0 written and read back through the fs layer, for the store's layout tests. */
final class StoreFiles {
    private StoreFiles() {
    }

    /** {@code size} bytes of seeded random data. */
    static byte[] random(int size, int seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The first {@code size} bytes of file {@code f} of PFS #0 as of TID {@code asOf}, all of which must be there. */
    static byte[] read(Store s, long f, long asOf, int size) {
        return s.read(r -> {
            byte[] b = new byte[size];
            assertThat(new FsReader(r, 0, asOf).read(f, 0, b, 0, size)).isEqualTo(size);
            return b;
        });
    }

    /** Makes file {@code name} in the root of PFS #0 (formatted already) holding {@code data}, in one commit; returns it. */
    static long write(Store s, String name, byte[] data) {
        return s.write(w -> {
            var fs = Pfses.writer(w, 0);
            long f = fs.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
            fs.write(f, 0, data, 0, data.length);
            return f;
        });
    }

    /** The damage a check of the whole store finds. */
    static List<StoreCheck.Damage> check(Store s) {
        List<StoreCheck.Damage> found = new ArrayList<>();
        s.check(found::add);
        return found;
    }
}
