package org.hammer.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Values that lie in LMDB's map are held to the data file's length; the map is found for real. */
class MapBoundsTest {
    @TempDir
    Path tmp;

    @Test
    void theMapIsFoundAndValuesPastTheFileAreRefused() throws Exception {
        try (LmdbStore s = LmdbStore.create(tmp.resolve("s"), "S", 1L << 30)) {
            MapBounds b = s.bounds;
            long base = b.base();
            assertThat(base).as("the data file's mapping in /proc/self/maps").isNotZero();
            long length = Files.size(tmp.resolve("s/data.mdb"));
            assertThat(b.contains(base, 16)).isTrue();
            assertThat(b.contains(base + length - 16, 16)).isTrue();
            assertThat(b.contains(base + length - 16, 17)).as("one byte past the end").isFalse();
            assertThat(b.contains(base + length + 4096, 1)).isFalse();
            assertThat(b.contains(base - 4096, 1 << 20)).as("not the map: a write transaction's page").isTrue();
            assertThat(b.contains(base + (1L << 30), 1)).as("past the whole map").isTrue();
            // and every value a read gives lies inside: the store's own reads pass the check
            long last = s.read(r -> r.lastTid());
            assertThat(last).isGreaterThan(0);
        }
        assertThat(MapBounds.mapped(tmp.resolve("s/data.mdb"))).as("unmapped once closed").isZero();
    }
}
