package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hammer.core.fs.FsWriterTest.bytes;
import static org.hammer.core.fs.FsWriterTest.errno;
import static org.hammer.core.fs.FsWriterTest.readAll;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.Orphans.Orphan;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreReader;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects kept open past their last name: the orphan list, what an orphan still allows, and
 * reclaiming it. Each test starts from
 *
 * <pre>
 * /            PFS #0 of a fresh store
 * └── d/
 *     └── f    "0123456789", object {@code f}
 * </pre>
 *
 * and a keeper ({@link Keeper}) that has the objects of {@link Keeper#open} open.
 */
class OrphansTest {
    private static final long ROOT = FsReader.ROOT;

    @TempDir
    Path tmp;
    Store store;
    final Keeper keeper = new Keeper();
    long d;
    long f;

    /** Has some objects open, as a mount does, and counts the orphans it was asked to keep. */
    static final class Keeper implements OpenFiles {
        final Set<Long> open = new HashSet<>();
        final List<Long> kept = new ArrayList<>();

        @Override
        public boolean keep(int pfs, long ino) {
            if (open.contains(ino)) {
                kept.add(ino);
                return true;
            }
            return false;
        }

        @Override
        public String owner() {
            return "test keeper";
        }
    }

    @BeforeEach
    void open() {
        store = Store.create(tmp.resolve("s"), "T", 1L << 30);
        Pfses.format(store, "T");
        d = write(w -> w.mkdir(ROOT, "d", 0755, 0, 0));
        f = write(w -> {
            long i = w.mknod(d, "f", 0644, 0, 0, 0);
            w.write(i, 0, bytes("0123456789"), 0, 10);
            return i;
        });
    }

    @AfterEach
    void close() {
        store.close();
    }

    <T> T write(Function<FsWriter, T> work) {
        return store.write(w -> {
            Pfses.writer(w, 0);
            return work.apply(new FsWriter(w, 0, keeper));
        });
    }

    <T> T read(Function<FsReader, T> work) {
        return store.read(r -> work.apply(new FsReader(r, 0, Tid.MAX)));
    }

    boolean reclaim(long ino) {
        return this.<Boolean>write(w -> w.reclaim(ino));
    }

    long lookup(long dir, String name) {
        return this.<Long>read(r -> r.lookup(dir, name));
    }

    List<RecordKey> liveNow(int pfs, long ino) {
        return store.read(r -> live(r, pfs, ino));
    }

    /** The records of {@code ino} visible now, as their keys. */
    static List<RecordKey> live(StoreReader r, int pfs, long ino) {
        List<RecordKey> out = new ArrayList<>();
        r.scan(new RecordKey(pfs, ino, RecordType.INODE, 0, 0), new RecordKey(pfs, ino + 1, RecordType.INODE, 0, 0),
                false, rec -> {
                    if (rec.visibleAt(Tid.MAX)) {
                        out.add(rec.key());
                    }
                    return true;
                });
        return out;
    }

    @Test
    void anOpenFileUnlinkedLosesItsNameButKeepsItsDataAsAListedOrphan() {
        keeper.open.add(f);
        write(w -> {
            w.unlink(d, "f");
            return null;
        });
        long unlinked = store.lastTid();

        assertThat(keeper.kept).containsExactly(f);
        assertThat(store.read(Orphans::list)).containsExactly(new Orphan(0, f, "test keeper"));
        read(r -> {
            assertThat(r.list(d)).isEmpty();
            assertThat(r.getattr(f).nlink()).as("what fstat shows").isZero();
            assertThat(readAll(r, f, 0, 100)).isEqualTo(bytes("0123456789"));
            return null;
        });
        write(w -> w.write(f, 10, bytes("abc"), 0, 3));
        write(w -> {
            w.rmdir(ROOT, "d");
            return null;
        });
        read(r -> assertThat(readAll(r, f, 0, 100)).isEqualTo(bytes("0123456789abc")));
        long before = store.<Long>read(r -> new FsReader(r, 0, unlinked - 1).lookup(d, "f"));
        assertThat(before).as("history keeps the name").isEqualTo(f);
    }

    @Test
    void reclaimingAnOrphanDeletesItsRecordsAndItsListEntry() {
        keeper.open.add(f);
        write(w -> {
            w.unlink(d, "f");
            return null;
        });
        assertThat(liveNow(0, f)).isNotEmpty();

        assertThat(reclaim(f)).isTrue();

        assertThat(store.read(Orphans::list)).isEmpty();
        assertThat(liveNow(0, f)).isEmpty();
        assertThat(reclaim(f)).as("only once").isFalse();
    }

    @Test
    void aFileNotOpenGoesWithItsLastNameAndAFileWithAnotherNameIsNoOrphan() {
        write(w -> {
            w.link(f, ROOT, "g");
            w.unlink(d, "f");
            return null;
        });
        keeper.open.add(f);
        assertThat(this.<Integer>read(r -> r.getattr(f).nlink())).isEqualTo(1);
        assertThat(keeper.kept).isEmpty();

        keeper.open.clear();
        write(w -> {
            w.unlink(ROOT, "g");
            return null;
        });
        assertThat(keeper.kept).isEmpty();
        assertThat(store.read(Orphans::list)).isEmpty();
        assertThat(liveNow(0, f)).isEmpty();
        assertThat(reclaim(f)).as("not an orphan").isFalse();
    }

    @Test
    void anOpenFileRenamedOverIsKeptAsAnOrphanToo() {
        long g = write(w -> w.mknod(d, "g", 0644, 0, 0, 0));
        keeper.open.add(f);
        write(w -> {
            w.rename(d, "g", d, "f");
            return null;
        });

        assertThat(lookup(d, "f")).isEqualTo(g);
        assertThat(store.read(Orphans::list)).extracting(Orphan::ino).containsExactly(f);
        read(r -> assertThat(readAll(r, f, 0, 100)).isEqualTo(bytes("0123456789")));
    }

    @Test
    void theOrphanListEntryCommitsWithTheUnlinkOrNotAtAll() {
        keeper.open.add(f);
        assertThatThrownBy(() -> write(w -> {
            w.unlink(d, "f");
            throw new FsException(Errno.EIO, "the transaction fails after the unlink");
        })).satisfies(errno(Errno.EIO));

        assertThat(store.read(Orphans::list)).isEmpty();
        assertThat(lookup(d, "f")).isEqualTo(f);
    }

    @Test
    void destroyingAPfsForgetsItsOrphans() {
        PfsConfig m = Pfses.create(store, ROOT, "m", PfsMode.MASTER, null);
        int pfs = m.id();
        long x = store.write(w -> {
            FsWriter mw = Pfses.writer(w, pfs);
            long i = mw.mknod(ROOT, "x", 0644, 0, 0, 0);
            mw.write(i, 0, bytes("in m"), 0, 4);
            return i;
        });
        keeper.open.add(x);
        store.write(w -> {
            Pfses.writer(w, pfs);
            new FsWriter(w, pfs, keeper).unlink(ROOT, "x");
            return null;
        });
        assertThat(store.read(Orphans::list)).containsExactly(new Orphan(pfs, x, "test keeper"));

        Pfses.destroy(store, pfs, ROOT, "m");

        assertThat(store.read(Orphans::list)).isEmpty();
        assertThat(liveNow(pfs, x)).isEmpty();
    }

    @Test
    void orphansListInObjectOrder() {
        keeper.open.add(f);
        long e = write(w -> w.mknod(d, "e", 0644, 0, 0, 0));
        keeper.open.add(e);
        write(w -> {
            w.unlink(d, "f");
            w.unlink(d, "e");
            return null;
        });
        assertThat(store.read(Orphans::list)).extracting(Orphan::ino).containsExactly(Math.min(e, f), Math.max(e, f));
    }
}
