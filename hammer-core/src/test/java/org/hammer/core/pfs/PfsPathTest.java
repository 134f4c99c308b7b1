package org.hammer.core.pfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * <pre>
 * store/                 PFS #0
 *   pfs/test -> @@PFS00001   a master holding dir/file
 *   alias -> STORE/pfs/test  an absolute symlink to the PFS link
 *   rel -> pfs/test/dir      a relative symlink into the PFS
 *   loop -> loop
 * </pre>
 */
class PfsPathTest {
    @TempDir
    Path tmp;

    Path store() {
        Path dir = tmp.resolve("store");
        try (Store s = Store.create(dir, "S", 1L << 30)) {
            Pfses.format(s, "S");
            long pfsDir = s.write(w -> Pfses.writer(w, 0).mkdir(FsReader.ROOT, "pfs", 0755, 0, 0));
            PfsConfig c = Pfses.create(s, pfsDir, "test", PfsMode.MASTER, null);
            s.write(w -> {
                FsWriter f = Pfses.writer(w, c.id());
                long d = f.mkdir(FsReader.ROOT, "dir", 0755, 0, 0);
                f.mknod(d, "file", 0644, 0, 0, 0);
                FsWriter root = Pfses.writer(w, 0);
                root.symlink(FsReader.ROOT, "alias", dir.resolve("pfs/test").toString(), 0, 0);
                root.symlink(FsReader.ROOT, "rel", "pfs/test/dir", 0, 0);
                root.symlink(FsReader.ROOT, "loop", "loop", 0, 0);
                return null;
            });
        }
        return dir;
    }

    @Test
    void pfsLinksLeadIntoThePfsAndMissingNamesAreReported() {
        Path dir = store();
        try (PfsPath p = PfsPath.resolve(dir.resolve("pfs/test/dir/file").toString())) {
            assertThat(p.pfs()).isEqualTo(1);
            assertThat(p.exists()).isTrue();
        }
        try (PfsPath p = PfsPath.resolve(dir.resolve("pfs/test/dir/new/deeper").toString())) {
            assertThat(p.exists()).isFalse();
            assertThat(p.missing()).containsExactly("new", "deeper");
        }
    }

    @Test
    void symbolicLinksAreFollowedAbsoluteAndRelative() {
        Path dir = store();
        try (PfsPath p = PfsPath.resolve(dir.resolve("alias/dir/file").toString())) {
            assertThat(p.pfs()).isEqualTo(1);
            assertThat(p.exists()).isTrue();
        }
        try (PfsPath p = PfsPath.resolve(dir.resolve("rel/file").toString())) {
            assertThat(p.pfs()).isEqualTo(1);
            assertThat(p.exists()).isTrue();
        }
        assertThatThrownBy(() -> PfsPath.resolve(dir.resolve("loop/x").toString()))
                .isInstanceOf(HammerException.class).hasMessageContaining("symbolic links");
    }

    @Test
    void aLocalSymlinkIntoAStoreIsFollowed() throws Exception {
        Path dir = store();
        Path outside = tmp.resolve("outside");
        Files.createSymbolicLink(outside, dir);
        try (PfsPath p = PfsPath.resolve(outside.resolve("pfs/test/dir").toString())) {
            assertThat(p.pfs()).isEqualTo(1);
            assertThat(p.exists()).isTrue();
        }
        assertThatThrownBy(() -> PfsPath.resolve(tmp.resolve("nowhere").toString()))
                .hasMessageContaining("not inside a hammer store");
    }
}
