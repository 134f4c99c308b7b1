package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A store created with a small size limit fills up cleanly: a clear failure, and nothing lost. */
class StoreFullTest {
    @TempDir
    Path tmp;

    @Test
    void writingPastTheSizeLimitFailsClearlyAndKeepsEveryCommit() {
        Path dir = tmp.resolve("small.hammer");
        List<byte[]> written = new ArrayList<>();
        HammerException full;
        try (Store store = Store.create(dir, "SMALL", 2L << 20)) {
            Pfses.format(store, "SMALL");
            Random rnd = new Random(5);
            full = catchThrowableOfType(HammerException.class, () -> {
                for (int i = 0; i < 1000; i++) {
                    byte[] data = new byte[100_000];
                    rnd.nextBytes(data);
                    int n = i;
                    store.write(w -> {
                        var fs = Pfses.writer(w, 0);
                        long f = fs.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0);
                        return fs.write(f, 0, data, 0, data.length);
                    });
                    written.add(data);
                }
            });
        }

        assertThat(full).isNotNull();
        assertThat(full.kind()).isEqualTo(HammerException.Kind.FAILURE);
        assertThat(full.getMessage()).contains("store is full");
        assertThat(written).hasSizeBetween(5, 20);
        try (Store store = Store.open(dir)) {
            store.read(r -> {
                FsReader fs = new FsReader(r, 0, Tid.MAX);
                for (int i = 0; i < written.size(); i++) {
                    long f = fs.lookup(FsReader.ROOT, "f" + i);
                    byte[] back = new byte[100_000];
                    assertThat(fs.read(f, 0, back, 0, back.length)).isEqualTo(back.length);
                    assertThat(Arrays.equals(back, written.get(i))).as("file f%d", i).isTrue();
                }
                assertThat(fs.find(FsReader.ROOT, "f" + written.size())).as("the failed commit left nothing").isZero();
                return null;
            });
        }
    }
}
