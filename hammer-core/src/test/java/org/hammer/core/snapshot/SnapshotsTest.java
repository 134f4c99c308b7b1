package org.hammer.core.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.mirror.LocalTarget;
import org.hammer.core.mirror.MirrorCopy;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.mirror.MirrorSource;
import org.hammer.core.mirror.MirrorTarget;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.prune.ConfigRecord;
import org.hammer.core.prune.Pruner;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/*
 * a/  (master store)  pfs/test -> PFS #1: file "one", later "two"
 * b/  (slave store)   test -> its slave, filled by mirror-copy
 */
class SnapshotsTest {
    @TempDir
    Path tmp;
    Store a;
    Store b;
    PfsConfig master;

    @BeforeEach
    void stores() {
        a = Store.create(tmp.resolve("a"), "A", 1L << 30);
        b = Store.create(tmp.resolve("b"), "B", 1L << 30);
        Pfses.format(a, "A");
        Pfses.format(b, "B");
        long pdir = a.write(w -> Pfses.writer(w, 0).mkdir(FsReader.ROOT, "pfs", 0755, 0, 0));
        master = Pfses.create(a, pdir, "test", PfsMode.MASTER, null);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    long write(String content) {
        return a.write(w -> {
            FsWriter f = Pfses.writer(w, master.id());
            long ino = f.find(FsReader.ROOT, "file");
            ino = ino != 0 ? ino : f.mknod(FsReader.ROOT, "file", 0644, 0, 0, 0);
            byte[] d = content.getBytes(StandardCharsets.UTF_8);
            f.truncate(ino, 0);
            f.write(ino, 0, d, 0, d.length);
            return w.tid();
        });
    }

    String read(Store s, int pfs, long tid) {
        return s.read(r -> {
            FsReader fs = new FsReader(r, pfs, tid);
            long ino = fs.find(FsReader.ROOT, "file");
            byte[] d = new byte[(int) fs.getattr(ino).size()];
            fs.read(ino, 0, d, 0, d.length);
            return new String(d, StandardCharsets.UTF_8);
        });
    }

    void mirror() {
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true);
        try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("test").toString(), q -> true)) {
            MirrorCopy.run((in, out) -> new MirrorSource(a, master.id(), "a/test", o).run(in, out),
                    (in, out) -> new MirrorTarget(t, "b/test", o).run(in, out));
        }
    }

    static List<Snapshot> snaps(Store s, int pfs) {
        return s.read(r -> Snapshots.list(r, pfs));
    }

    static String config(Store s, int pfs) {
        return s.read(r -> ConfigRecord.read(r, pfs));
    }

    int slave() {
        return b.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow().id());
    }

    @Test
    void aSnapshotRetainsTheNewestCommittedState() {
        long t1 = write("one");
        Snapshot s = Snapshots.take(a, master.id(), "first");
        write("two");
        assertThat(s.tid()).isEqualTo(t1);
        assertThat(s.note()).isEqualTo("first");
        assertThat(read(a, master.id(), s.tid())).isEqualTo("one");
        assertThat(snaps(a, master.id())).containsExactly(s);
        assertThat(Snapshots.take(a, master.id(), "again").tid()).isNotEqualTo(s.tid());
    }

    @Test
    void aSnapshotIsReadableThroughPfsPaths() {
        write("one");
        Snapshot s = Snapshots.take(a, master.id(), "");
        write("two");
        String base = tmp.resolve("a/pfs/test").toString();
        for (String p : List.of(base + "@@" + Tid.format(s.tid()), base + "/@@" + Tid.format(s.tid()))) {
            try (PfsPath path = PfsPath.resolve(p)) {
                assertThat(path.pfs()).isEqualTo(master.id());
                assertThat(path.asOf()).isEqualTo(s.tid());
                assertThat(read(path.store(), path.pfs(), path.asOf())).isEqualTo("one");
            }
        }
    }

    @Test
    void removingASnapshotKeepsItsHistory() {
        write("one");
        Snapshot s = Snapshots.take(a, master.id(), "");
        assertThat(Snapshots.remove(a, master.id(), s.tid())).isTrue();
        assertThat(Snapshots.remove(a, master.id(), s.tid())).isFalse();
        assertThat(snaps(a, master.id())).isEmpty();
        org.hammer.core.btree.Record old =
                a.read(r -> r.visible(master.id(), FsReader.ROOT, RecordType.SNAPSHOT, s.tid(), s.tid() + 1));
        assertThat(old).isNotNull();
    }

    @Test
    void snapshotsAreMirroredAndThenManagedOnTheSlave() {
        write("one");
        Snapshot s = Snapshots.take(a, master.id(), "on master");
        write("two");
        mirror();
        int id = slave();
        assertThat(snaps(b, id)).containsExactly(s);
        assertThat(read(b, id, s.tid())).isEqualTo("one");

        Snapshot local = Snapshots.take(b, id, "on slave");
        long end = b.read(r -> PfsTable.get(r, id).syncEndTid());
        assertThat(local.tid()).isEqualTo(end);
        assertThat(snaps(b, id)).containsExactly(s, local);
        assertThat(Snapshots.remove(b, id, s.tid())).isTrue();
        assertThat(snaps(b, id)).containsExactly(local);
        assertThat(snaps(a, master.id())).containsExactly(s);
        assertThat(read(b, id, Tid.MAX)).isEqualTo("two");

        write("three");
        mirror();
        assertThat(snaps(b, id)).containsExactly(local);
        assertThat(read(b, id, b.read(r -> PfsTable.get(r, id).syncEndTid()))).isEqualTo("three");
    }

    @Test
    void configIsNotMirroredAndASlaveKeepsItsOwn() {
        ConfigRecord.write(a, master.id(), "prune 1d 5m\n");
        write("one");
        mirror();
        int id = slave();
        assertThat(config(b, id)).isNull();
        ConfigRecord.write(b, id, "snapshots 0d 60d\n");
        ConfigRecord.write(b, id, "snapshots 0d 30d\n");
        assertThat(config(b, id)).isEqualTo("snapshots 0d 30d\n");
        List<?> configs = b.read(r -> RootRecords.list(r, id, RecordType.CONFIG));
        assertThat(configs).hasSize(1);
        write("two");
        mirror();
        assertThat(config(b, id)).isEqualTo("snapshots 0d 30d\n");
        assertThat(config(a, master.id())).isEqualTo("prune 1d 5m\n");
    }

    @Test
    void aSlavePrunesByItsOwnSnapshotsAndKeepsItsView() {
        for (int i = 0; i < 5; i++) {
            write("v" + i);
        }
        mirror();
        int id = slave();
        Snapshot s = Snapshots.take(b, id, "");
        for (int i = 5; i < 10; i++) {
            write("v" + i);
        }
        mirror();
        long end = b.read(r -> PfsTable.get(r, id).syncEndTid());
        var stats = new Pruner(b, id).prune(Long.MAX_VALUE / 2, Long.MAX_VALUE);
        assertThat(stats.destroyed()).isPositive();
        assertThat(read(b, id, s.tid())).isEqualTo("v4");
        assertThat(read(b, id, end)).isEqualTo("v9");
        var all = new Pruner(b, id).pruneEverything();
        assertThat(all.destroyed()).isPositive();
        assertThat(read(b, id, end)).isEqualTo("v9");
    }

    @Test
    void aSlaveBehindAPrunedMasterConvergesAndKeepsItsConfig() {
        write("v0");
        mirror();
        int id = slave();
        ConfigRecord.write(b, id, "snapshots 0d 60d\n");
        for (int i = 1; i < 6; i++) {
            write("v" + i);
        }
        Snapshots.take(a, master.id(), "");
        write("v6");
        long before = a.read(r -> PfsTable.get(r, master.id()).syncBegTid());
        assertThat(new Pruner(a, master.id()).prune(Long.MAX_VALUE / 2, Long.MAX_VALUE).destroyed()).isPositive();
        long after = a.read(r -> PfsTable.get(r, master.id()).syncBegTid());
        assertThat(Long.compareUnsigned(after, before)).isPositive();
        mirror();
        long end = b.read(r -> PfsTable.get(r, id).syncEndTid());
        assertThat(read(b, id, end)).isEqualTo("v6");
        assertThat(config(b, id)).isEqualTo("snapshots 0d 60d\n");
    }
}
