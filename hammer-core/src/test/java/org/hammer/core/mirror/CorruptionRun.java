package org.hammer.core.mirror;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.hammer.core.HammerException;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/**
 * Applies seeded mutations of a valid stream (bit flips, truncation, duplicated, dropped and
 * reordered frames, huge length fields) to a slave, in its own JVM with a small heap. Every
 * mutation must be rejected as CORRUPT, and the slave must still equal its master as of its
 * sync-end-tid. Prints one line {@code OK <n>} or the first problem, and exits non-zero on one.
 * Arguments: the seed, the number of mutations, and a directory for the two stores (the caller's,
 * which it removes: this JVM may end without cleaning up).
 */
public final class CorruptionRun {
    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int n = Integer.parseInt(args[1]);
        Path tmp = Path.of(args[2]);
        Random rnd = new Random(seed);
        try (Store a = Store.create(tmp.resolve("a"), "A", 1L << 30);
                Store b = Store.create(tmp.resolve("b"), "B", 1L << 30)) {
            Pfses.format(a, "A");
            Pfses.format(b, "B");
            PfsConfig m = Pfses.create(a, FsReader.ROOT, "m", PfsMode.MASTER, null);
            for (int i = 0; i < 16; i++) {
                int k = i;
                a.write(w -> {
                    FsWriter f = Pfses.writer(w, m.id());
                    long ino = f.mknod(FsReader.ROOT, "f" + k, 0644, 0, 0, 0);
                    byte[] d = new byte[rnd.nextInt(24_000)];
                    rnd.nextBytes(d);
                    f.write(ino, 0, d, 0, d.length);
                    return null;
                });
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new MirrorSource(a, m.id(), "a/m", MirrorOptions.defaults().withBatchBytes(40_000)).run(null, out);
            byte[] stream = out.toByteArray();
            List<int[]> frames = frames(stream);
            Pfses.create(b, FsReader.ROOT, "s", PfsMode.SLAVE, m.sharedUuid());
            int slave = b.read(r -> PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow().id());
            int rejected = 0;
            for (int i = 0; i < n; i++) {
                String[] what = new String[1];
                byte[] bad = mutate(stream, frames, rnd, what);
                if (bad == null) {
                    continue;
                }
                try (LocalTarget t = new LocalTarget(tmp.resolve("b").resolve("s").toString(), q -> false)) {
                    new MirrorTarget(t, "b/s", MirrorOptions.defaults()).run(new ByteArrayInputStream(bad), null);
                    System.out.println("ACCEPTED mutation " + i + " (" + what[0] + ")");
                    System.exit(1);
                } catch (HammerException e) {
                    if (e.kind() != HammerException.Kind.CORRUPT) {
                        System.out.println("WRONG KIND " + e.kind() + " for mutation " + i + " (" + what[0] + "): "
                                + e.getMessage());
                        System.exit(1);
                    }
                    rejected++;
                }
                long end = b.read(r -> PfsTable.get(r, slave).syncEndTid());
                if (end > 1) {
                    Map<String, String> want = a.read(r -> TreeDigest.of(new FsReader(r, m.id(), end)));
                    Map<String, String> got = b.read(r -> TreeDigest.of(Pfses.reader(r, slave)));
                    if (!want.equals(got)) {
                        System.out.println("SLAVE DIFFERS after mutation " + i + " (" + what[0] + ")");
                        System.exit(1);
                    }
                }
            }
            System.out.println("OK " + rejected + " frames=" + frames.size() + " bytes=" + stream.length
                    + " maxHeap=" + Runtime.getRuntime().maxMemory());
        }
    }

    /** [offset, length] of each frame. */
    static List<int[]> frames(byte[] s) {
        List<int[]> out = new ArrayList<>();
        int pos = 0;
        while (pos < s.length) {
            int len = Frames.HEADER + ByteBuffer.wrap(s, pos + 12, 4).getInt();
            out.add(new int[] {pos, len});
            pos += len;
        }
        return out;
    }

    static byte[] mutate(byte[] s, List<int[]> frames, Random rnd, String[] what) {
        switch (rnd.nextInt(6)) {
            case 0 -> {
                byte[] c = s.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    int p = rnd.nextInt(c.length);
                    c[p] ^= (byte) (1 << rnd.nextInt(8));
                }
                what[0] = flips + " bit flips";
                return Arrays.equals(c, s) ? null : c;
            }
            case 1 -> {
                what[0] = "truncation";
                return Arrays.copyOf(s, rnd.nextInt(s.length));
            }
            case 2 -> {
                int[] f = frames.get(rnd.nextInt(frames.size()));
                what[0] = "duplicated frame at " + f[0];
                return splice(s, f[0] + f[1], Arrays.copyOfRange(s, f[0], f[0] + f[1]), 0);
            }
            case 3 -> {
                int[] f = frames.get(rnd.nextInt(frames.size()));
                what[0] = "dropped frame at " + f[0];
                return splice(s, f[0], new byte[0], f[1]);
            }
            case 4 -> {
                int i = rnd.nextInt(frames.size() - 1);
                int[] x = frames.get(i);
                int[] y = frames.get(i + 1);
                byte[] c = new byte[s.length];
                System.arraycopy(s, 0, c, 0, x[0]);
                System.arraycopy(s, y[0], c, x[0], y[1]);
                System.arraycopy(s, x[0], c, x[0] + y[1], x[1]);
                System.arraycopy(s, y[0] + y[1], c, x[0] + x[1] + y[1], s.length - y[0] - y[1]);
                what[0] = "swapped frames at " + x[0];
                return c;
            }
            default -> {
                byte[] c = s.clone();
                int[] f = frames.get(rnd.nextInt(frames.size()));
                int huge = rnd.nextBoolean() ? Integer.MAX_VALUE : 0x7FF00000 + rnd.nextInt(1 << 20);
                ByteBuffer.wrap(c, f[0] + 12, 4).putInt(huge);
                what[0] = "huge length at " + f[0];
                return c;
            }
        }
    }

    static byte[] splice(byte[] s, int at, byte[] insert, int remove) {
        byte[] c = new byte[s.length - remove + insert.length];
        System.arraycopy(s, 0, c, 0, at);
        System.arraycopy(insert, 0, c, at, insert.length);
        System.arraycopy(s, at + remove, c, at + insert.length, s.length - at - remove);
        return c;
    }
}
