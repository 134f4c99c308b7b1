package org.hammer.core.mirror;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.FsException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random operations on a master, mirrors at random moments into a slave and from that slave into
 * a second one (a chain), streams cut at random points and resumed. After every completed mirror
 * the slave as of its sync-end-tid equals its source as of the same TID.
 */
class MirrorModelTest {
    @TempDir
    Path tmp;

    @Test
    void slavesEqualTheirSourceAtEverySyncPoint() {
        long seed = Long.getLong("mirror.seed", System.nanoTime());
        System.out.println("MirrorModelTest seed=" + seed);
        Random rnd = new Random(seed);
        try (Store a = Store.create(tmp.resolve("a"), "A", 1L << 32);
                Store b = Store.create(tmp.resolve("b"), "B", 1L << 32);
                Store c = Store.create(tmp.resolve("c"), "C", 1L << 32)) {
            Pfses.format(a, "A");
            Pfses.format(b, "B");
            Pfses.format(c, "C");
            PfsConfig m = Pfses.create(a, FsReader.ROOT, "m", PfsMode.MASTER, null);
            int cuts = 0;
            int mirrors = 0;
            for (int step = 0; step < 300; step++) {
                randomOp(a, m.id(), rnd);
                if (rnd.nextInt(10) == 0) {
                    cuts += mirror(a, "a/m", b, "b/s", rnd) ? 1 : 0;
                    mirrors++;
                }
                if (rnd.nextInt(15) == 0 && slaveId(b) != 0) {
                    cuts += mirror(b, "b/s", c, "c/s", rnd) ? 1 : 0;
                }
            }
            while (mirror(a, "a/m", b, "b/s", rnd)) {
                cuts++;
            }
            while (mirror(b, "b/s", c, "c/s", rnd)) {
                cuts++;
            }
            assertThat(mirrors).isPositive();
            long endB = b.read(r -> PfsTable.get(r, slaveId(b)).syncEndTid());
            long endC = c.read(r -> PfsTable.get(r, slaveId(c)).syncEndTid());
            assertThat(endC).isEqualTo(endB);
            Map<String, String> master = a.read(r -> TreeDigest.of(new FsReader(r, m.id(), endB)));
            Map<String, String> chained = c.read(r -> TreeDigest.of(Pfses.reader(r, slaveId(c))));
            assertThat(chained).isEqualTo(master);
            for (int i = 0; i < 10; i++) {
                long t = org.hammer.core.tid.Tid.FIRST + (long) (rnd.nextDouble() * (endB - org.hammer.core.tid.Tid.FIRST));
                Map<String, String> atMaster = a.read(r -> TreeDigest.of(new FsReader(r, m.id(), t)));
                Map<String, String> atSlave = b.read(r -> TreeDigest.of(new FsReader(r, slaveId(b), t)));
                assertThat(atSlave).as("slave history as of " + t).isEqualTo(atMaster);
            }
            System.out.println("MirrorModelTest cuts=" + cuts + " mirrors=" + mirrors);
        }
    }

    private Path dir(Store s) {
        return s.dir();
    }

    private static int slaveId(Store s) {
        return s.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).mapToInt(PfsConfig::id)
                .findFirst().orElse(0));
    }

    /** One mirror from src's first non-root PFS into dst's slave; returns true when it was cut. */
    private boolean mirror(Store src, String srcName, Store dst, String dstName, Random rnd) {
        int srcPfs = src.read(r -> PfsTable.list(r).stream().filter(p -> p.id() != 0).findFirst().orElseThrow().id());
        MirrorOptions o = MirrorOptions.defaults().withTwoWay(true).withBatchBytes(1 + rnd.nextInt(200_000));
        long cutAt = rnd.nextInt(3) == 0 ? rnd.nextInt(150_000) : Long.MAX_VALUE;
        boolean cut = false;
        try (LocalTarget t = new LocalTarget(dst.dir().resolve("s").toString(), q -> true)) {
            MirrorCopy.run((in, out) -> new MirrorSource(src, srcPfs, srcName, o).run(in, new Cut(out, cutAt)),
                    (in, out) -> new MirrorTarget(t, dstName, o).run(in, out));
        } catch (HammerException e) {
            assertThat(cutAt).as("only a cut stream may fail: " + e.getMessage()).isNotEqualTo(Long.MAX_VALUE);
            cut = true;
        }
        int slave = slaveId(dst);
        if (slave != 0) {
            long end = dst.read(r -> PfsTable.get(r, slave).syncEndTid());
            if (end > 1) {
                Map<String, String> expected = src.read(r -> TreeDigest.of(new FsReader(r, srcPfs, end)));
                Map<String, String> actual = dst.read(r -> TreeDigest.of(Pfses.reader(r, slave)));
                assertThat(actual).as(dstName + " at sync point").isEqualTo(expected);
            }
        }
        return cut;
    }

    /** An output stream that breaks after a number of bytes, as a dying link. */
    private static final class Cut extends FilterOutputStream {
        private long left;

        Cut(OutputStream out, long limit) {
            super(out);
            this.left = limit;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                out.write(b, off, (int) left);
                left = 0;
                throw new IOException("link cut");
            }
            left -= len;
            out.write(b, off, len);
        }
    }

    private static void randomOp(Store a, int pfs, Random rnd) {
        try {
            a.write(w -> {
                FsWriter f = Pfses.writer(w, pfs);
                List<Entry> files = new ArrayList<>(f.list(FsReader.ROOT));
                long dirIno = FsReader.ROOT;
                String name = "f" + rnd.nextInt(40);
                switch (rnd.nextInt(8)) {
                    case 0, 1, 2 -> {
                        long ino = f.find(dirIno, name);
                        if (ino == 0) {
                            ino = f.mknod(dirIno, name, 0644, 0, 0, 0);
                        }
                        if (!f.getattr(ino).isDir()) {
                            byte[] d = new byte[rnd.nextInt(40_000)];
                            rnd.nextBytes(d);
                            f.write(ino, rnd.nextInt(70_000), d, 0, d.length);
                        }
                    }
                    case 3 -> {
                        if (!files.isEmpty()) {
                            Entry e = files.get(rnd.nextInt(files.size()));
                            if (e.fileType() == org.hammer.core.btree.Inode.S_IFDIR) {
                                f.rmdir(dirIno, e.name());
                            } else {
                                f.unlink(dirIno, e.name());
                            }
                        }
                    }
                    case 4 -> {
                        if (!files.isEmpty()) {
                            f.rename(dirIno, files.get(rnd.nextInt(files.size())).name(), dirIno, name);
                        }
                    }
                    case 5 -> f.mkdir(dirIno, "d" + rnd.nextInt(10), 0755, 0, 0);
                    case 6 -> {
                        if (!files.isEmpty()) {
                            Entry e = files.get(rnd.nextInt(files.size()));
                            f.setxattr(e.ino(), "user.k" + rnd.nextInt(3), new byte[] {(byte) rnd.nextInt()});
                        }
                    }
                    default -> {
                        if (!files.isEmpty()) {
                            Entry e = files.get(rnd.nextInt(files.size()));
                            if (e.fileType() != org.hammer.core.btree.Inode.S_IFDIR) {
                                f.truncate(e.ino(), rnd.nextInt(30_000));
                            }
                        }
                    }
                }
                return null;
            });
        } catch (FsException expected) {
            // EEXIST, ENOTEMPTY and the like: the operation did nothing, as on any filesystem
        }
    }
}
