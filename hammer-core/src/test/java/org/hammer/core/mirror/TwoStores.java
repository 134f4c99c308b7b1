package org.hammer.core.mirror;

import java.nio.file.Path;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/** The two ends of a mirror test: store A with a master PFS "test" at its root, and an empty store B. */
final class TwoStores implements AutoCloseable {
    final Store a;
    final Store b;
    final PfsConfig master;

    TwoStores(Path tmp) {
        a = Store.create(tmp.resolve("a"), "A", 1L << 32);
        b = Store.create(tmp.resolve("b"), "B", 1L << 32);
        Pfses.format(a, "A");
        Pfses.format(b, "B");
        master = Pfses.create(a, FsReader.ROOT, "test", PfsMode.MASTER, null);
    }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
