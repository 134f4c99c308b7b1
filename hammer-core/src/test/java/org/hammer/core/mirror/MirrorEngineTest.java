package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.ForwardingStore;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreWriter;
import org.hammer.core.tid.Tid;
import org.hammer.proto.Hello;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MirrorEngineTest {
    @TempDir
    Path tmp;
    TwoStores ends;
    Store a;
    Store b;
    PfsConfig master;

    @BeforeEach
    void stores() {
        ends = new TwoStores(tmp);
        a = ends.a;
        b = ends.b;
        master = ends.master;
    }

    @AfterEach
    void close() {
        ends.close();
    }

    void write(String name, String content) {
        a.write(w -> {
            FsWriter f = Pfses.writer(w, master.id());
            long ino = f.find(FsReader.ROOT, name);
            if (ino == 0) {
                ino = f.mknod(FsReader.ROOT, name, 0644, 0, 0, 0);
            }
            byte[] d = content.getBytes(StandardCharsets.UTF_8);
            f.truncate(ino, 0);
            f.write(ino, 0, d, 0, d.length);
            return null;
        });
    }

    MirrorStats copy(MirrorOptions o) {
        try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("test").toString(), q -> true)) {
            return MirrorCopy.run(
                    (in, out) -> new MirrorSource(a, master.id(), "a/test", o.withTwoWay(true)).run(in, out),
                    (in, out) -> new MirrorTarget(t, "b/test", o.withTwoWay(true)).run(in, out));
        }
    }

    void assertSlaveEqualsMaster() {
        long end = b.read(r -> PfsTable.get(r, slaveId()).syncEndTid());
        var m = a.read(r -> TreeDigest.of(new FsReader(r, master.id(), end)));
        var s = b.read(r -> TreeDigest.of(Pfses.reader(r, slaveId())));
        assertThat(s).isEqualTo(m).isNotEmpty();
    }

    int slaveId() {
        return b.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow().id());
    }

    @Test
    void mirrorCopyCreatesTheSlaveAndCarriesEveryChange() {
        write("one", "first");
        write("two", "second");
        MirrorStats s = copy(MirrorOptions.defaults());
        assertThat(s.records()).isPositive();
        assertSlaveEqualsMaster();
        write("one", "rewritten");
        a.write(w -> {
            Pfses.writer(w, master.id()).unlink(FsReader.ROOT, "two");
            return null;
        });
        MirrorStats again = copy(MirrorOptions.defaults());
        assertThat(again.records()).isLessThan(20);
        assertSlaveEqualsMaster();
    }

    @Test
    void smallBatchesEachAdvanceTheSlave() {
        for (int i = 0; i < 50; i++) {
            write("f" + i, "x".repeat(1000 * i));
        }
        MirrorStats s = copy(MirrorOptions.defaults().withBatchBytes(8000));
        assertThat(s.batches()).isGreaterThan(5);
        assertSlaveEqualsMaster();
    }

    /**
     * Chunks are committed on a second thread while the next arrives: when the store refuses one,
     * nothing received after it may be committed (its cursor would skip the refused records), and
     * the next copy resumes from the last chunk that did commit.
     */
    @Test
    void aChunkTheStoreRefusesStopsTheCopyWithoutAGap() {
        byte[] block = new byte[1 << 20];
        new Random(7).nextBytes(block);
        long chunks = 4;
        for (int i = 0; i < chunks * MirrorOptions.CHUNK / block.length; i++) {
            int n = i;
            a.write(w -> {
                FsWriter f = Pfses.writer(w, master.id());
                long ino = f.mknod(FsReader.ROOT, "f" + n, 0644, 0, 0, 0);
                return f.write(ino, 0, block, 0, block.length);
            });
        }
        PfsConfig slave = Pfses.create(b, FsReader.ROOT, "test", PfsMode.SLAVE, master.sharedUuid());
        RefusingStore refusing = new RefusingStore(b, 2);
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true);
        assertThatThrownBy(() -> MirrorCopy.run(
                (in, out) -> new MirrorSource(a, master.id(), "a/test", o).run(in, out),
                (in, out) -> new MirrorTarget(src -> new MirrorTarget.Resolved(refusing, slave.id(), "b/test", true),
                        "b/test", o).run(in, out)))
                .hasMessageContaining("injected");
        assertThat(refusing.applies).as("no chunk after the refused one was committed").isEqualTo(2);
        PfsConfig after = b.read(r -> PfsTable.get(r, slave.id()));
        assertThat(after.cursor()).as("the first chunk's resume cursor").isNotNull();

        MirrorStats resumed = copy(MirrorOptions.defaults());
        assertThat(resumed.dataBytes()).isLessThan(chunks * MirrorOptions.CHUNK);
        assertSlaveEqualsMaster();
    }

    /**
     * An incremental run of one small change commits once on the slave, and flushes once: its
     * records in the sync point's own transaction, not a chunk's transaction and then the sync
     * point's.
     */
    @Test
    void aBatchOfOneChunkCommitsWithItsSyncPoint() {
        write("one", "first");
        copy(MirrorOptions.defaults());
        write("one", "second");
        int id = slaveId();
        CountingStore counting = new CountingStore(b);
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true);

        MirrorStats s = MirrorCopy.run(
                (in, out) -> new MirrorSource(a, master.id(), "a/test", o).run(in, out),
                (in, out) -> new MirrorTarget(src -> new MirrorTarget.Resolved(counting, id, "b/test", true),
                        "b/test", o).run(in, out));

        assertThat(s.records()).isPositive();
        assertThat(counting.applies).as("transactions on the slave").isEqualTo(1);
        assertThat(counting.syncs).as("flushes of the slave").isEqualTo(1);
        assertThat(b.read(r -> PfsTable.get(r, id)).cursor()).as("no resume cursor left").isNull();
        assertSlaveEqualsMaster();
    }

    /**
     * The slave's store opens while the source's does; a source that cannot be opened is still
     * what a copy reports, and the slave is left as it was.
     */
    @Test
    void aSourceThatCannotBeOpenedIsWhatTheCopyReports() {
        write("one", "first");
        copy(MirrorOptions.defaults());
        int id = slaveId();
        long before = b.read(r -> PfsTable.get(r, id).syncEndTid());
        String missing = tmp.resolve("nowhere").resolve("pfs").resolve("x").toString();
        MirrorLink link = new MirrorLink(org.hammer.core.transport.Endpoint.local(missing),
                org.hammer.core.transport.Endpoint.local(tmp.resolve("b").resolve("test").toString()),
                MirrorOptions.defaults(), null, q -> true, null);

        assertThatThrownBy(link::run).isInstanceOf(HammerException.class).hasMessageContaining(missing)
                .satisfies(e -> assertThat(((HammerException) e).kind()).isEqualTo(HammerException.Kind.NOT_FOUND));
        long after = b.read(r -> PfsTable.get(r, id).syncEndTid());
        assertThat(after).isEqualTo(before);
    }

    /** A slave that cannot be opened ahead of the handshake is reported when the target opens it. */
    @Test
    void aSlaveThatCannotBeOpenedIsReportedWhenItIsNeeded() {
        String missing = tmp.resolve("nowhere").resolve("pfs").resolve("y").toString();
        LocalTarget early = new LocalTarget(missing, q -> true);
        LocalTarget plain = new LocalTarget(missing, q -> true);
        org.hammer.proto.Pfsd source = Codec.pfsd(master, 0, "a/test", true);

        early.prepare();

        HammerException prepared = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> early.open(source), HammerException.class);
        HammerException unprepared = org.assertj.core.api.Assertions.catchThrowableOfType(
                () -> plain.open(source), HammerException.class);
        assertThat(prepared).isNotNull();
        assertThat(prepared.getMessage()).isEqualTo(unprepared.getMessage()).contains(missing);
        assertThat(prepared.kind()).isEqualTo(unprepared.kind());
        early.close();
        plain.close();
    }

    @Test
    void oneWayStreamAppliesFromAFile() {
        write("one", "first");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        new MirrorSource(a, master.id(), "a/test", MirrorOptions.defaults()).run(null, stream);
        try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("test").toString(), q -> true)) {
            new MirrorTarget(t, "b/test", MirrorOptions.defaults())
                    .run(new ByteArrayInputStream(stream.toByteArray()), null);
        }
        assertSlaveEqualsMaster();
    }

    @Test
    void foreignSharedUuidIsRefused() {
        Pfses.create(b, FsReader.ROOT, "test", PfsMode.SLAVE, UUID.randomUUID());
        write("one", "first");
        assertThatThrownBy(() -> copy(MirrorOptions.defaults()))
                .isInstanceOf(HammerException.class)
                .hasMessageContaining("different shared-uuids")
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
    }

    /**
     * A slave in a store of format 3 holds the master's inodes without their counts of blocks (a
     * format 4 inode layout it cannot hold), and its files are walked for st_blocks: the files,
     * their removals (pass records, which for an inode carry its data, checked without the count)
     * and, once that store is upgraded to format 4, new files with their counts, and removals of
     * files it holds without one.
     */
    @Test
    void aSlaveInAFormat3StoreHoldsInodesWithoutTheirCountsAndGoesOnOnceUpgraded() {
        Path c = tmp.resolve("c");
        Store.create(c, "C", 1L << 32, 3).close();
        try (Store old = Store.open(c)) {
            Pfses.format(old, "C");
        }
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true);
        Runnable copyToC = () -> {
            try (LocalTarget t = new LocalTarget(c.resolve("test").toString(), q -> true)) {
                MirrorCopy.run((in, out) -> new MirrorSource(a, master.id(), "a/test", o).run(in, out),
                        (in, out) -> new MirrorTarget(t, "c/test", o).run(in, out));
            }
        };
        write("one", "first");
        write("two", "second");
        write("three", "third");
        copyToC.run();
        assertSlaveInCEqualsMaster(c, "one", false);
        a.write(w -> {
            Pfses.writer(w, master.id()).unlink(FsReader.ROOT, "two");
            return null;
        });
        write("one", "again");
        copyToC.run();
        assertSlaveInCEqualsMaster(c, "one", false);
        Store.upgradeFormat(c, 4, x -> { });
        write("four", "fourth");
        a.write(w -> {
            Pfses.writer(w, master.id()).unlink(FsReader.ROOT, "three");
            return null;
        });
        copyToC.run();
        assertSlaveInCEqualsMaster(c, "four", true);
        assertSlaveInCEqualsMaster(c, "one", false);
    }

    /**
     * A source whose store is format 4 asks for stream version 3 at least, which a hammer that
     * speaks only 2 refuses ("upgrade hammer on this side") rather than laying down inodes its store
     * cannot hold; a source of a format 3 store asks for 2, as before.
     */
    @Test
    void aFormat4SourceAsksForStreamVersion3AndAFormat3OneFor2() {
        write("one", "first");
        Path c = tmp.resolve("c");
        Store.create(c, "C", 1L << 32, 3).close();
        int[][] asked = new int[2][];
        try (Store three = Store.open(c)) {
            Pfses.format(three, "C");
            PfsConfig m = Pfses.create(three, FsReader.ROOT, "m", PfsMode.MASTER, null);
            Store[] stores = {a, three};
            int[] ids = {master.id(), m.id()};
            for (int i = 0; i < 2; i++) {
                ByteArrayOutputStream stream = new ByteArrayOutputStream();
                new MirrorSource(stores[i], ids[i], "s", MirrorOptions.defaults()).run(null, stream);
                FrameReader in = new FrameReader(new ByteArrayInputStream(stream.toByteArray()), "s");
                Hello h = new Handshake(null, in, "s").expectHello();
                asked[i] = new int[] {h.getVersion(), h.getMinVersion()};
            }
        }
        assertThat(asked[0]).as("format 4").containsExactly(3, 3);
        assertThat(asked[1]).as("format 3").containsExactly(3, 2);
    }

    private void assertSlaveInCEqualsMaster(Path c, String name, boolean counted) {
        try (Store s = Store.open(c)) {
            int slave = s.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow().id());
            long end = s.read(r -> PfsTable.get(r, slave).syncEndTid());
            Map<String, String> slaveTree = s.read(r -> TreeDigest.of(Pfses.reader(r, slave)));
            Map<String, String> masterTree = a.read(r -> TreeDigest.of(new FsReader(r, master.id(), end)));
            assertThat(slaveTree).isEqualTo(masterTree).isNotEmpty();
            boolean isCounted = s.read(r -> {
                FsReader f = Pfses.reader(r, slave);
                return f.getattr(f.lookup(FsReader.ROOT, name)).counted();
            });
            assertThat(isCounted).as(name + " counts its blocks on the slave").isEqualTo(counted);
        }
    }

    @Test
    void masterAsTargetIsRefused() {
        Pfses.create(b, FsReader.ROOT, "test", PfsMode.MASTER, master.sharedUuid());
        assertThatThrownBy(() -> copy(MirrorOptions.defaults()))
                .hasMessageContaining("is a master");
    }

    @Test
    void aSlaveAheadOfItsSourceIsRefusedTwoWayAndOneWay() {
        write("one", "first");
        copy(MirrorOptions.defaults());
        long beyond = a.lastTid() + 1000;
        b.apply(w -> {
            PfsTable.put(w, PfsTable.get(w, slaveId()).withSync(Tid.INITIAL_SYNC, beyond));
            return null;
        });
        write("two", "second");

        assertThatThrownBy(() -> copy(MirrorOptions.defaults())).isInstanceOf(HammerException.class)
                .hasMessageContaining("is at sync-end-tid " + Tid.format(beyond))
                .hasMessageContaining("sync-end-tid=" + Tid.format(a.lastTid()))
                .extracting(e -> ((HammerException) e).kind()).isEqualTo(HammerException.Kind.REFUSED);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        new MirrorSource(a, master.id(), "a/test", MirrorOptions.defaults()).run(null, stream);
        try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("test").toString(), q -> true)) {
            assertThatThrownBy(() -> new MirrorTarget(t, "b/test", MirrorOptions.defaults())
                    .run(new ByteArrayInputStream(stream.toByteArray()), null))
                    .hasMessageContaining("beyond every TID of source a/test");
        }
        long after = b.read(r -> PfsTable.get(r, slaveId()).syncEndTid());
        assertThat(after).as("the slave was left as it was").isEqualTo(beyond);
    }

    /** Destroys every deleted record of the master and raises its sync-beg-tid, as prune-everything. */
    void pruneEverything() {
        a.apply(w -> {
            java.util.List<org.hammer.core.btree.RecordKey> dead = new java.util.ArrayList<>();
            w.scan(new org.hammer.core.btree.RecordKey(master.id(), 0, org.hammer.core.btree.RecordType.INODE, 0, 0),
                    new org.hammer.core.btree.RecordKey(master.id(), -1L, org.hammer.core.btree.RecordType.CONFIG,
                            -1L, -1L), false, r -> {
                        if (r.deleteTid() != 0) {
                            dead.add(r.key());
                        }
                        return true;
                    });
            dead.forEach(w::destroy);
            PfsConfig c = PfsTable.get(w, master.id());
            PfsTable.put(w, c.withSync(w.lastTid(), c.syncEndTid()));
            return null;
        });
    }

    @Test
    void staleSlaveConvergesThroughAReconciliationBatchAfterPruning() {
        write("keep", "kept");
        write("gone", "to be deleted");
        write("changed", "old");
        copy(MirrorOptions.defaults());
        write("changed", "new content");
        write("added", "added later");
        a.write(w -> {
            Pfses.writer(w, master.id()).unlink(FsReader.ROOT, "gone");
            return null;
        });
        pruneEverything();
        copy(MirrorOptions.defaults());
        assertSlaveEqualsMaster();
        var names = b.read(r -> Pfses.reader(r, slaveId()).list(FsReader.ROOT).stream()
                .map(org.hammer.core.fs.Entry::name).sorted().toList());
        assertThat(names).containsExactly("added", "changed", "keep");
        write("after", "incremental again");
        MirrorStats s = copy(MirrorOptions.defaults());
        assertThat(s.records()).isLessThan(10);
        assertSlaveEqualsMaster();
    }

    @Test
    void freshSlaveOfAPrunedMasterGetsEveryLiveRecord() {
        write("a", "1");
        write("a", "2");
        write("b", "3");
        pruneEverything();
        copy(MirrorOptions.defaults());
        assertSlaveEqualsMaster();
    }

    @Test
    void oneMasterFeedsManySlavesIndependently() {
        write("one", "first");
        copy(MirrorOptions.defaults());
        String second = tmp.resolve("b").resolve("second").toString();
        try (LocalTarget t = new LocalTarget(second, q -> true)) {
            MirrorCopy.run((in, out) -> new MirrorSource(a, master.id(), "a/test", MirrorOptions.defaults()
                            .withTwoWay(true)).run(in, out),
                    (in, out) -> new MirrorTarget(t, "b/second", MirrorOptions.defaults().withTwoWay(true))
                            .run(in, out));
        }
        write("two", "second");
        copy(MirrorOptions.defaults());
        assertSlaveEqualsMaster();
        var slaves = b.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).map(PfsConfig::syncEndTid)
                .toList());
        assertThat(slaves).hasSize(2);
        assertThat(slaves.get(0)).isGreaterThan(slaves.get(1));
    }

    /** A store whose {@code failing}-th apply fails, as a full disk would make it. */
    private static final class CountingStore extends ForwardingStore {
        int applies;
        int syncs;

        CountingStore(Store store) {
            super(store);
        }

        @Override
        public <T> T apply(Function<StoreWriter, T> work) {
            applies++;
            return store.apply(work);
        }

        @Override
        public void sync() {
            syncs++;
            store.sync();
        }

        @Override
        public void close() {
            // the wrapped store is the test's
        }
    }

    private static final class RefusingStore extends ForwardingStore {
        private final int failing;
        int applies;

        RefusingStore(Store store, int failing) {
            super(store);
            this.failing = failing;
        }

        @Override
        public <T> T apply(Function<StoreWriter, T> work) {
            if (++applies == failing) {
                throw HammerException.failure(store.dir() + ": the store is full (injected)");
            }
            return store.apply(work);
        }

        @Override
        public void close() {
            // the wrapped store is the test's
        }
    }
}
