package org.hammer.core.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;

/**
 * A seeded churn workload on one PFS: about {@code files} files in each of two directories,
 * rewritten, renamed (sometimes over another file) and deleted, one write transaction per round.
 */
final class Churn {
    private final Store store;
    private final int pfs;
    private final Random random;
    private final int files;
    private final int maxSize;
    private int serial;

    Churn(Store store, int pfs, long seed, int files, int maxSize) {
        this.store = store;
        this.pfs = pfs;
        this.random = new Random(seed);
        this.files = files;
        this.maxSize = maxSize;
    }

    /** One round of {@code ops} changes; returns the TID it committed at. */
    long round(int ops) {
        return store.write(w -> {
            FsWriter f = Pfses.writer(w, pfs);
            long[] dirs = {dir(f, "a"), dir(f, "b")};
            for (int i = 0; i < ops; i++) {
                long d = dirs[random.nextInt(2)];
                List<Entry> entries = f.list(d);
                int op = random.nextInt(10);
                if (entries.size() < files) {
                    write(f, d, "f" + serial++);
                } else if (op < 5) {
                    Entry e = entries.get(random.nextInt(entries.size()));
                    write(f, d, e.name());
                } else if (op < 8) {
                    Entry e = entries.get(random.nextInt(entries.size()));
                    long to = dirs[random.nextInt(2)];
                    List<Entry> there = f.list(to);
                    String name = random.nextBoolean() || there.isEmpty() ? "r" + serial++
                            : there.get(random.nextInt(there.size())).name();
                    f.rename(d, e.name(), to, name);
                } else {
                    f.unlink(d, entries.get(random.nextInt(entries.size())).name());
                }
            }
            return w.tid();
        });
    }

    private static long dir(FsWriter f, String name) {
        long d = f.find(FsReader.ROOT, name);
        return d != 0 ? d : f.mkdir(FsReader.ROOT, name, 0755, 0, 0);
    }

    private void write(FsWriter f, long dir, String name) {
        long ino = f.find(dir, name);
        if (ino == 0) {
            ino = f.mknod(dir, name, 0644, 0, 0, 0);
        }
        byte[] data = new byte[random.nextInt(maxSize)];
        random.nextBytes(data);
        f.truncate(ino, 0);
        f.write(ino, 0, data, 0, data.length);
    }

    /** The whole tree of a view as path → description (mode, size, content hash, link target). */
    static Map<String, String> tree(FsReader fs) {
        Map<String, String> out = new TreeMap<>();
        if (fs.exists(FsReader.ROOT)) {
            walk(fs, FsReader.ROOT, "", out);
        }
        return out;
    }

    private static void walk(FsReader fs, long dir, String prefix, Map<String, String> out) {
        out.put(prefix + "/", describe(fs, dir));
        List<Entry> entries = new ArrayList<>(fs.list(dir));
        for (Entry e : entries) {
            String p = prefix + "/" + e.name();
            if (fs.getattr(e.ino()).isDir()) {
                walk(fs, e.ino(), p, out);
            } else {
                out.put(p, describe(fs, e.ino()));
            }
        }
    }

    private static String describe(FsReader fs, long ino) {
        Inode i = fs.getattr(ino);
        StringBuilder b = new StringBuilder(Integer.toOctalString(i.mode())).append(" n=").append(i.nlink());
        if (i.isRegular()) {
            byte[] data = new byte[(int) i.size()];
            fs.read(ino, 0, data, 0, data.length);
            b.append(" size=").append(i.size()).append(" h=").append(Arrays.hashCode(data));
        }
        return b.toString();
    }
}
