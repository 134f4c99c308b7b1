package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.hammer.core.fs.Errno;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Path walking with HAMMER's {@code @@} names, on a store without any mount.
 *
 * <pre>
 * PFS #0                     PFS #1 (master)
 * ├── d/                     └── f   "v1" at T1, "v2" later
 * └── m -> @@PFS00001
 * </pre>
 */
class ResolverTest {
    @TempDir
    Path dir;
    private Store store;
    private long t1;
    private final Resolver resolver = new Resolver(View.current(0));

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE);
        Pfses.format(store, "T");
        Pfses.create(store, FsReader.ROOT, "m", PfsMode.MASTER, null);
        t1 = store.write(w -> {
            new FsWriter(w, 0).mkdir(FsReader.ROOT, "d", 0755, 0, 0);
            FsWriter p1 = Pfses.writer(w, 1);
            long f = p1.mknod(FsReader.ROOT, "f", 0644, 0, 0, 0);
            p1.write(f, 0, "v1".getBytes(), 0, 2);
            return w.tid();
        });
        store.write(w -> {
            FsWriter p1 = Pfses.writer(w, 1);
            p1.write(p1.lookup(FsReader.ROOT, "f"), 0, "v2".getBytes(), 0, 2);
            return null;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Node resolve(String path) {
        return store.read(r -> resolver.resolve(new Ctx(r, null), path, Caller.ROOT));
    }

    private String read(Node n) {
        return store.read(r -> {
            byte[] b = new byte[16];
            int len = new Ctx(r, null).reader(n.view()).read(n.ino(), 0, b, 0, b.length);
            return new String(b, 0, len);
        });
    }

    @Test
    void aPfsLinkNameInAnyDirectoryLeadsToThatPfsRoot() {
        Node n = resolve("/d/@@-1:00001");
        assertThat(n).isEqualTo(new Node(View.current(1), FsReader.ROOT));
        assertThat(read(resolve("/@@-1:00001/f"))).isEqualTo("v2");
        assertThat(read(resolve(String.format("/d/@@0x%016x:00001/f", t1)))).isEqualTo("v1");
    }

    @Test
    void anAsOfNameShowsTheObjectAtThatTid() {
        assertThat(read(resolve(String.format("/@@-1:00001/f@@0x%016x", t1)))).isEqualTo("v1");
        assertThat(resolve(String.format("/@@0x%016x", t1)).view()).isEqualTo(new View(0, t1));
    }

    @Test
    void missingNamesAndPfsesAreEnoent() {
        assertThatThrownBy(() -> resolve("/nope")).isInstanceOf(FsException.class)
                .extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.ENOENT);
        assertThatThrownBy(() -> resolve("/@@-1:00009")).isInstanceOf(FsException.class)
                .extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.ENOENT);
    }

    /** A LOOKUP's find: null for a plain name not there, else what one step finds, errors included. */
    @Test
    void findIsNullForAMissingPlainNameAndAStepForEveryOther() {
        Node root = new Node(View.current(0), FsReader.ROOT);
        store.read(r -> {
            Ctx ctx = new Ctx(r, null);
            assertThat(resolver.find(ctx, root, "nope")).isNull();
            assertThat(resolver.find(ctx, root, "d")).isEqualTo(resolver.step(ctx, root, "d"));
            assertThat(resolver.find(ctx, root, ".")).isEqualTo(root);
            Node d = resolver.find(ctx, root, "d");
            assertThat(resolver.find(ctx, d, "..")).isEqualTo(root);
            assertThat(resolver.find(ctx, d, "@@-1:00001")).isEqualTo(new Node(View.current(1), FsReader.ROOT));
            assertThatThrownBy(() -> resolver.find(ctx, root, "@@-1:00009")).isInstanceOf(FsException.class)
                    .extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.ENOENT);
            assertThatThrownBy(() -> resolver.find(ctx, root, "x".repeat(256))).isInstanceOf(FsException.class)
                    .extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.ENAMETOOLONG);
            return null;
        });
    }

    @Test
    void malformedExtensionsAreEinval() {
        for (String bad : new String[] {"/a@@b", "/@@0x1:00001", "/f@@-2", "/@@-1:00001/f@@0xZZ"}) {
            assertThatThrownBy(() -> resolve(bad)).as(bad).isInstanceOf(FsException.class)
                    .extracting(e -> ((FsException) e).errno()).isEqualTo(Errno.EINVAL);
        }
    }

    @Test
    void everyNameWithAtAtIsSpecial() {
        assertThat(Resolver.isSpecial("@@-1:00001")).isTrue();
        assertThat(Resolver.isSpecial("a@@0x0000000100000000")).isTrue();
        assertThat(Resolver.isSpecial("a@@b")).as("malformed, but never an ordinary name either").isTrue();
        assertThat(Resolver.isSpecial("@@0x1:00001")).isTrue();
        assertThat(Resolver.isSpecial("a@b")).isFalse();
        assertThat(Resolver.split("/a/b/c")).containsExactly("/a/b", "c");
        assertThat(Resolver.split("/c")).containsExactly("/", "c");
    }

    @Test
    void inodeNumbersTellViewsApart() {
        InodeNumbers ino = new InodeNumbers(View.current(0));
        assertThat(ino.of(new Node(View.current(0), 5))).isEqualTo(5);
        long other = ino.of(new Node(View.current(1), 5));
        assertThat(other).isNotEqualTo(5).isEqualTo(ino.of(new Node(View.current(1), 5)));
        assertThat(ino.of(new Node(new View(1, t1), 5))).isNotIn(5L, other);
    }
}
