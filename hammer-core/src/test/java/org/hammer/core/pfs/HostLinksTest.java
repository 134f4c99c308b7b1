package org.hammer.core.pfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * <pre>
 * tmp/store/pfs/test -> @@-1:00001     a PFS link: kept
 * tmp/test -> tmp/store/pfs/test       an ordinary link: followed
 * tmp/rel -> store                     a relative link: followed
 * </pre>
 */
class HostLinksTest {
    @TempDir
    Path tmp;

    @Test
    void followsOrdinaryLinksAndKeepsPfsLinksAndMissingNames() throws Exception {
        Path pfs = Files.createDirectories(tmp.resolve("store/pfs"));
        Files.createSymbolicLink(pfs.resolve("test"), Path.of("@@-1:00001"));
        Files.createSymbolicLink(tmp.resolve("test"), pfs.resolve("test"));
        Files.createSymbolicLink(tmp.resolve("rel"), Path.of("store"));
        Path real = tmp.toRealPath();

        assertThat(HostLinks.follow(tmp.resolve("test").toString())).isEqualTo(real.resolve("store/pfs/test").toString());
        assertThat(HostLinks.follow(tmp.resolve("rel/pfs/test/a/b").toString()))
                .isEqualTo(real.resolve("store/pfs/test/a/b").toString());
        assertThat(HostLinks.follow(tmp.resolve("store/missing/x").toString()))
                .isEqualTo(real.resolve("store/missing/x").toString());
    }

    @Test
    void stopsOnALinkLoop() throws Exception {
        Files.createSymbolicLink(tmp.resolve("a"), tmp.resolve("b"));
        Files.createSymbolicLink(tmp.resolve("b"), tmp.resolve("a"));

        assertThat(HostLinks.follow(tmp.resolve("a/x").toString())).endsWith("/x");
    }
}
