package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that fills up under written-back data: the write it cannot hold fails alone with
 * ENOSPC, and what was acknowledged before it in the same open transaction is committed, not
 * abandoned with it.
 */
class CommitterSpaceTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aWriteTheStoreCannotHoldFailsAloneAndWhatWasAcknowledgedBeforeItIsKept() {
        Path at = dir.resolve("s");
        byte[] kept = new byte[256 << 10];
        new Random(7).nextBytes(kept);
        long a;
        long b;
        long named;
        try (Store store = Store.create(at, "FULL", 8L * MIB)) {
            Pfses.format(store, "FULL");
            a = file(store, "a");
            b = file(store, "b");
            Committer<CommitterTest.Ctx> c = committer(store);
            try {
                WriteHandle ha = new WriteHandle(a);
                WriteHandle hb = new WriteHandle(b);
                c.writeBehind(ha, ctx -> ctx.writer().write(a, 0, kept, 0, kept.length), kept.length);
                named = c.write(ctx -> ctx.writer().mknod(FsReader.ROOT, "named", Inode.S_IFREG | 0644, 0, 0, 0), 0);
                byte[] mib = new byte[MIB];
                Arrays.fill(mib, (byte) 'b');
                for (int i = 0; i < 16; i++) {
                    long off = (long) i * MIB;
                    c.writeBehind(hb, ctx -> ctx.writer().write(b, off, mib, 0, mib.length), mib.length);
                }
                assertThat(c.drain(ha)).as("the error of the file written before the store filled up").isNull();
                FsException full = c.drain(hb);
                assertThat(full).as("the error of the file that filled it").isNotNull();
                assertThat(full.errno()).isEqualTo(Errno.ENOSPC);
                c.sync(); // throws if a commit lost anything acknowledged
            } finally {
                c.close();
            }
        }
        readBack(at, r -> {
            byte[] back = new byte[kept.length];
            assertThat(r.read(a, 0, back, 0, back.length)).isEqualTo(kept.length);
            assertThat(back).isEqualTo(kept);
            assertThat(r.lookup(FsReader.ROOT, "named")).isEqualTo(named);
            long size = r.getattr(b).size();
            assertThat(size).as("what the store held of b").isPositive().isLessThan(16L * MIB);
            assertThat(size % MIB).as("b ends where a write failed, without holes").isZero();
            byte[] tail = new byte[MIB];
            assertThat(r.read(b, size - MIB, tail, 0, MIB)).isEqualTo(MIB);
            byte[] want = new byte[MIB];
            Arrays.fill(want, (byte) 'b');
            assertThat(tail).isEqualTo(want);
        });
    }

    /**
     * Names made on a store that written-back data has filled: each acknowledged one is kept, the
     * one the store cannot hold fails alone (ENOSPC to its caller), and no commit loses anything
     * acknowledged, so the sync after succeeds.
     */
    @Test
    void namesMadeOnAFullStoreAreKeptUntilOneFailsAlone() {
        Path at = dir.resolve("names");
        List<String> made = new ArrayList<>();
        FsException refused = null;
        try (Store store = Store.create(at, "FULL", 4L * MIB)) {
            Pfses.format(store, "FULL");
            long f = file(store, "f");
            Committer<CommitterTest.Ctx> c = committer(store);
            try {
                fill(c, f);
                for (int i = 0; i < 200_000 && refused == null; i++) {
                    String name = "n" + i;
                    try {
                        c.write(ctx -> ctx.writer().mknod(FsReader.ROOT, name, Inode.S_IFREG | 0644, 0, 0, 0), 0);
                        made.add(name);
                    } catch (FsException e) {
                        refused = e;
                    }
                }
                assertThat(refused).as("a name the store could not hold").isNotNull();
                assertThat(refused.errno()).isEqualTo(Errno.ENOSPC);
                assertThat(made).as("names made in the reserve written-back data left").hasSizeGreaterThan(100);
                c.sync(); // throws if a commit lost anything acknowledged
            } finally {
                c.close();
            }
        }
        readBack(at, r -> {
            for (String name : made) {
            assertThat(r.find(FsReader.ROOT, name)).as(name).isNotZero();
            }
        });
    }

    /**
     * A change that claims more room ({@link Committer#claim}) than a full store has: it runs alone
     * and fails alone (ENOSPC to its caller), the name made before it in the same transaction
     * stays, and nothing of the change is left.
     */
    @Test
    void aChangeThatClaimsMoreRoomThanTheStoreHasFailsAlone() {
        Path at = dir.resolve("claim");
        byte[] data = new byte[3 * MIB];
        new Random(11).nextBytes(data);
        long named;
        FsException refused;
        try (Store store = Store.create(at, "FULL", 8L * MIB)) {
            Pfses.format(store, "FULL");
            long f = file(store, "f");
            Committer<CommitterTest.Ctx> c = committer(store);
            try {
                fill(c, f);
                named = c.write(ctx -> ctx.writer().mknod(FsReader.ROOT, "named", Inode.S_IFREG | 0644, 0, 0, 0), 0);
                refused = catchThrowableOfType(FsException.class, () -> c.write(ctx -> {
                    c.claim(1024L * data.length);
                    long more = ctx.writer().mknod(FsReader.ROOT, "more", Inode.S_IFREG | 0644, 0, 0, 0);
                    return ctx.writer().write(more, 0, data, 0, data.length);
                }, 0));
                c.sync(); // throws if a commit lost anything acknowledged
            } finally {
                c.close();
            }
        }
        assertThat(refused).as("the change the store could not hold").isNotNull();
        assertThat(refused.errno()).isEqualTo(Errno.ENOSPC);
        readBack(at, r -> {
            assertThat(r.find(FsReader.ROOT, "named")).isEqualTo(named);
            assertThat(r.find(FsReader.ROOT, "more")).as("the change that failed").isZero();
        });
    }

    /**
     * A large file removed from a store that written-back data has filled: marking its blocks
     * deleted writes their records' small values, not their data (store format 3), so the removal
     * fits, and the file stays readable as of before it.
     */
    @Test
    void aLargeFileIsRemovedFromAFullStore() {
        Path at = dir.resolve("delete");
        byte[] data = new byte[3 * MIB];
        new Random(11).nextBytes(data);
        long big;
        long before;
        try (Store store = Store.create(at, "FULL", 8L * MIB)) {
            Pfses.format(store, "FULL");
            big = file(store, "big");
            store.write(w -> new FsWriter(w, 0).write(big, 0, data, 0, data.length));
            before = store.lastTid();
            long f = file(store, "f");
            Committer<CommitterTest.Ctx> c = committer(store);
            try {
                fill(c, f);
                c.write(ctx -> {
                    c.claim(data.length);
                    ctx.writer().unlink(FsReader.ROOT, "big");
                    return null;
                }, 0);
                c.sync();
            } finally {
                c.close();
            }
        }
        readBack(at, r -> assertThat(r.find(FsReader.ROOT, "big")).as("removed").isZero());
        try (Store store = Store.open(at)) {
            byte[] back = store.read(sr -> {
                byte[] b = new byte[data.length];
                assertThat(new FsReader(sr, 0, before).read(big, 0, b, 0, b.length)).isEqualTo(data.length);
                return b;
            });
            assertThat(back).as("the file as of before its removal").isEqualTo(data);
        }
    }

    /** Writes 8 MiB into {@code f} through {@code c}, more than the store holds: ENOSPC. */
    private static void fill(Committer<CommitterTest.Ctx> c, long f) {
        WriteHandle h = new WriteHandle(f);
        byte[] mib = new byte[MIB];
        for (int i = 0; i < 8; i++) {
            long off = (long) i * MIB;
            c.writeBehind(h, ctx -> ctx.writer().write(f, off, mib, 0, mib.length), mib.length);
        }
        assertThat(c.drain(h).errno()).as("written-back data filled the store").isEqualTo(Errno.ENOSPC);
    }

    private static long file(Store store, String name) {
        return store.write(w -> new FsWriter(w, 0).mknod(FsReader.ROOT, name, Inode.S_IFREG | 0644, 0, 0, 0));
    }

    /** An engine whose clock stands: one transaction takes everything until a sync, unless the store's room ends it sooner. */
    private static Committer<CommitterTest.Ctx> committer(Store store) {
        return Committer.builder(store, CommitterTest.Ctx::new).firstWrite(Pfses::writer).clock(new ManualClock()).start();
    }

    /** Checks the store at {@code at} as reopened. */
    private static void readBack(Path at, Consumer<FsReader> check) {
        try (Store store = Store.open(at)) {
            store.read(sr -> {
                check.accept(new FsReader(sr, 0, Long.MAX_VALUE));
                return null;
            });
        }
    }
}
