package org.hammer.cli.fuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A PFS's config as the mount's operations read it: kept per snapshot, never past a commit. */
class CtxTest {
    @TempDir
    Path dir;
    private Store store;
    private final Ctx.SnapshotConfigs shared = new Ctx.SnapshotConfigs();

    @BeforeEach
    void makeStore() {
        store = Store.create(dir.resolve("s"), "T", Store.DEFAULT_MAX_SIZE);
        Pfses.format(store, "T");
        Pfses.create(store, FsReader.ROOT, "m", PfsMode.MASTER, null);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private PfsConfig read() {
        return store.read(r -> new Ctx(r, null, shared).config(1));
    }

    private void label(String label, boolean mirrored) {
        if (mirrored) {
            store.apply(w -> {
                PfsTable.put(w, PfsTable.get(w, 1).withLabel(label));
                return null;
            });
        } else {
            store.write(w -> {
                PfsTable.put(w, PfsTable.get(w, 1).withLabel(label));
                return null;
            });
        }
    }

    @Test
    void operationsOnOneSnapshotDecodeItsConfigOnce() {
        PfsConfig first = read();
        assertThat(read()).isSameAs(first);
        long snapshot = store.read(r -> r.snapshot());
        assertThat(snapshot).isNotZero();
    }

    @Test
    void aCommitThatChangesTheConfigIsSeenByTheNextOperation() {
        PfsConfig before = read();
        label("after", false);
        PfsConfig after = read();
        assertThat(after).isNotSameAs(before);
        assertThat(after.label()).isEqualTo("after");
    }

    @Test
    void aMirroredCommitThatAddsNoTidIsANewSnapshotToo() {
        read();
        long tid = store.read(r -> r.lastTid());
        label("mirrored", true);
        long tidAfter = store.read(r -> r.lastTid());
        assertThat(tidAfter).isEqualTo(tid); // the case a TID could not tell apart
        assertThat(read().label()).isEqualTo("mirrored");
    }

    @Test
    void aWriteTransactionReadsItsOwnChangesAndKeepsNothing() {
        PfsConfig committed = read();
        String seen = store.write(w -> {
            PfsTable.put(w, PfsTable.get(w, 1).withLabel("inside"));
            assertThat(w.snapshot()).isZero();
            return new Ctx(w, null, shared).config(1).label();
        });
        assertThat(seen).isEqualTo("inside");
        assertThat(shared.get(0, 1)).isNull(); // nothing kept from the write transaction
        assertThat(read().label()).isEqualTo("inside");
        assertThat(read()).isNotSameAs(committed);
    }
}
