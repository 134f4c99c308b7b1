package org.hammer.core.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * STORE/pfs/test -> PFS #1
 *   d/
 *     file    "v1", then "v2", then "v3"
 */
class LocatorTest {
    @TempDir
    Path tmp;
    Path dir;
    int pfs;
    long[] tids = new long[3];

    @BeforeEach
    void store() {
        dir = tmp.resolve("s");
        try (Store store = Store.create(dir, "T", 1L << 30)) {
            Pfses.format(store, "T");
            long pdir = store.write(w -> Pfses.writer(w, 0).mkdir(FsReader.ROOT, "pfs", 0755, 0, 0));
            pfs = Pfses.create(store, pdir, "test", PfsMode.MASTER, null).id();
            for (int i = 0; i < 3; i++) {
                String text = "v" + (i + 1);
                tids[i] = store.write(w -> {
                    FsWriter f = Pfses.writer(w, pfs);
                    long d = f.find(FsReader.ROOT, "d");
                    d = d != 0 ? d : f.mkdir(FsReader.ROOT, "d", 0755, 0, 0);
                    long ino = f.find(d, "file");
                    ino = ino != 0 ? ino : f.mknod(d, "file", 0644, 0, 0, 0);
                    byte[] b = text.getBytes(StandardCharsets.UTF_8);
                    f.truncate(ino, 0);
                    f.write(ino, 0, b, 0, b.length);
                    return w.tid();
                });
            }
        }
    }

    void change(java.util.function.Consumer<FsWriter> op) {
        try (Store store = Store.open(dir)) {
            store.write(w -> {
                op.accept(Pfses.writer(w, pfs));
                return null;
            });
        }
    }

    String contentOf(String arg) {
        Locator.Arg a = Locator.Arg.parse(arg);
        try (PfsPath p = PfsPath.resolve(a.base())) {
            Located l = Locator.locate(p, a);
            return new String(p.store().read(r -> Contents.read(r, l.pfs(), l.ino(), l.asOf())), StandardCharsets.UTF_8);
        }
    }

    String path(String rel) {
        return dir.resolve("pfs/test").resolve(rel).toString();
    }

    @Test
    void historyListsEveryVersionAndUndoReadsThePreviousOne() {
        try (PfsPath p = PfsPath.resolve(path("d/file"))) {
            List<Version> v = p.store().read(r -> History.versions(r, pfs, p.ino(), Tid.MAX));
            assertThat(v).extracting(Version::tid).containsExactly(tids[0], tids[1], tids[2]);
            byte[] prev = p.store().read(r -> Contents.read(r, pfs, p.ino(), v.get(1).tid()));
            assertThat(new String(prev, StandardCharsets.UTF_8)).isEqualTo("v2");
        }
    }

    @Test
    void aDeletedFileIsFoundAsItWasBeforeItsDeletion() {
        change(f -> f.unlink(f.find(FsReader.ROOT, "d"), "file"));
        assertThat(contentOf(path("d/file"))).isEqualTo("v3");
        Locator.Arg a = Locator.Arg.parse(path("d/file"));
        try (PfsPath p = PfsPath.resolve(a.base())) {
            assertThat(Locator.locate(p, a).current()).isFalse();
        }
    }

    @Test
    void anAsOfSuffixFindsTheObjectThatHadTheNameThen() {
        change(f -> {
            long d = f.find(FsReader.ROOT, "d");
            f.unlink(d, "file");
            long ino = f.mknod(d, "file", 0644, 0, 0, 0);
            f.write(ino, 0, "new".getBytes(StandardCharsets.UTF_8), 0, 3);
        });
        assertThat(contentOf(path("d/file"))).isEqualTo("new");
        assertThat(contentOf(path("d/file") + "@@" + Tid.format(tids[1]))).isEqualTo("v2");
    }

    @Test
    void aFileInADeletedDirectoryIsFound() {
        change(f -> {
            long d = f.find(FsReader.ROOT, "d");
            f.unlink(d, "file");
            f.rmdir(FsReader.ROOT, "d");
        });
        assertThat(contentOf(path("d/file"))).isEqualTo("v3");
        assertThat(contentOf(path("d/file") + "@@" + Tid.format(tids[0]))).isEqualTo("v1");
    }

    @Test
    void aNameThatNeverExistedIsNotFound() {
        assertThatThrownBy(() -> contentOf(path("d/nothing")))
                .isInstanceOf(HammerException.class)
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.NOT_FOUND);
        assertThatThrownBy(() -> contentOf(path("d/file") + "@@0x0000000000000001"))
                .hasMessageContaining("did not exist at");
    }
}
