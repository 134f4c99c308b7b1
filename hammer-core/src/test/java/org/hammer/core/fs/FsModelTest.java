package org.hammer.core.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.tid.Tid;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random filesystem operations applied to a PFS and to {@link FsModel} alike, a few per commit;
 * the model is described after every commit, and at the end the PFS as of every one of those
 * TIDs must match. Replay a run with {@code -DFsModelTest.seed=<seed>}.
 */
class FsModelTest {
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f"};
    private static final String[] XATTRS = {"user.a", "user.b", "user.c"};
    private static final int MIB = 1 << 20;

    @TempDir
    Path tmp;

    private Random rnd;
    private FsModel model;
    private FsWriter fs;

    static long seed() {
        String s = System.getProperty("FsModelTest.seed");
        return s != null ? Long.parseLong(s) : new Random().nextLong();
    }

    @Test
    void everyCommittedStateOfAPfsMatchesTheModel() {
        run(seed(), 250);
    }

    @Tag("slow")
    @Test
    void manyLongRunsMatchTheModel() {
        long seed = seed();
        for (int i = 0; i < 4; i++) {
            run(seed + i, 1000);
        }
    }

    private void run(long seed, int ops) {
        System.out.println("FsModelTest seed=" + seed);
        rnd = new Random(seed);
        Path dir = tmp.resolve("s" + Long.toHexString(seed));
        List<Long> tids = new ArrayList<>();
        List<Map<String, String>> states = new ArrayList<>();
        try (Store store = Store.create(dir, "MODEL", 1L << 32)) {
            Pfses.format(store, "MODEL");
            int pfs = Pfses.create(store, FsReader.ROOT, "test", PfsMode.MASTER, null).id();
            Inode root = store.read(r -> new FsReader(r, pfs, Tid.MAX).getattr(FsReader.ROOT));
            model = new FsModel(root.mtimeNs());
            model.node(FsReader.ROOT).atime = root.atimeNs();
            for (int done = 0; done < ops; ) {
                int group = 1 + rnd.nextInt(4);
                tids.add(store.write(w -> {
                    fs = Pfses.writer(w, pfs);
                    model.now = fs.nowNs();
                    for (int k = 0; k < group; k++) {
                        step();
                    }
                    return w.tid();
                }));
                states.add(model.describe());
                done += group;
            }
            for (int i = 0; i < tids.size(); i++) {
                long tid = tids.get(i);
                Map<String, String> have = store.read(r -> describe(new FsReader(r, pfs, tid)));
                assertThat(have).as("PFS as of %s (commit %d, seed %d)", Tid.format(tid), i, seed)
                        .isEqualTo(states.get(i));
            }
            Map<String, String> now = store.read(r -> describe(new FsReader(r, pfs, Tid.MAX)));
            assertThat(now).isEqualTo(states.get(states.size() - 1));
        }
    }

    // ---- one random operation on both ----

    private void step() {
        int op = rnd.nextInt(model.nodes.size() > 60 ? 100 : 130);
        if (op >= 100) {
            create(rnd.nextInt(4));
        } else if (op < 14) {
            write();
        } else if (op < 22) {
            truncate();
        } else if (op < 30) {
            FsModel.Node d = dir();
            String n = entryName(d);
            both(() -> fs.unlink(d.ino, n), () -> model.unlink(d.ino, n));
        } else if (op < 36) {
            FsModel.Node d = dir();
            String n = entryName(d);
            both(() -> fs.rmdir(d.ino, n), () -> model.rmdir(d.ino, n));
        } else if (op < 52) {
            FsModel.Node sd = dir();
            String sn = entryName(sd);
            FsModel.Node dd = dir();
            String dn = name();
            both(() -> fs.rename(sd.ino, sn, dd.ino, dn), () -> model.rename(sd.ino, sn, dd.ino, dn));
        } else if (op < 60) {
            FsModel.Node f = rnd.nextInt(10) == 0 ? any() : nonDir();
            FsModel.Node d = dir();
            String n = name();
            if (f != null) {
                both(() -> fs.link(f.ino, d.ino, n), () -> model.link(f.ino, d.ino, n));
            }
        } else if (op < 70) {
            attrs(op);
        } else if (op < 85) {
            xattrs();
        } else {
            create(rnd.nextInt(4));
        }
    }

    private void create(int kind) {
        FsModel.Node d = dir();
        String n = name();
        int perm = rnd.nextBoolean() ? 0644 : rnd.nextInt(07777 + 1);
        int uid = rnd.nextInt(3) * 1000;
        int gid = rnd.nextInt(3) * 100;
        String target = "target-" + rnd.nextInt(1000);
        int mode = switch (kind) {
            case 0 -> Inode.S_IFREG | perm;
            case 1 -> Inode.S_IFDIR | perm;
            case 2 -> Inode.S_IFLNK | 0777;
            default -> Inode.S_IFIFO | perm;
        };
        long[] ino = new long[1];
        Errno have = errno(() -> ino[0] = switch (kind) {
            case 0 -> fs.mknod(d.ino, n, perm, uid, gid, 0);
            case 1 -> fs.mkdir(d.ino, n, perm, uid, gid);
            case 2 -> fs.symlink(d.ino, n, target, uid, gid);
            default -> fs.mknod(d.ino, n, mode, uid, gid, 0);
        });
        Errno want = model.canCreate(d.ino, n);
        assertThat(have).as("create %s in %d", n, d.ino).isEqualTo(want);
        if (want == null) {
            model.created(d.ino, n, ino[0], mode, uid, gid, kind == 2 ? target : null);
        }
    }

    private void write() {
        FsModel.Node f = rnd.nextInt(10) == 0 ? dir() : regular();
        if (f == null) {
            return;
        }
        long off = rnd.nextInt(3) == 0 ? Math.max(0, f.size - 5000 + rnd.nextInt(25_000)) : offset();
        byte[] data = new byte[1 + (rnd.nextInt(5) == 0 ? rnd.nextInt(200_000) : rnd.nextInt(20_000))];
        if (rnd.nextInt(10) != 0) {
            rnd.nextBytes(data);
        }
        both(() -> fs.write(f.ino, off, data, 0, data.length), () -> model.write(f.ino, off, data));
    }

    private void truncate() {
        FsModel.Node f = rnd.nextInt(10) == 0 ? dir() : regular();
        if (f == null) {
            return;
        }
        long size = switch (rnd.nextInt(4)) {
            case 0 -> rnd.nextInt(100);
            case 1 -> Math.max(0, f.size - rnd.nextInt(20_000));
            case 2 -> f.size + rnd.nextInt(20_000);
            default -> offset();
        };
        both(() -> fs.truncate(f.ino, size), () -> model.truncate(f.ino, size));
    }

    /** Mostly small offsets, often around the 1 MiB line where blocks grow to 64 KiB, rarely far. */
    private long offset() {
        return switch (rnd.nextInt(5)) {
            case 0 -> rnd.nextInt(40_000);
            case 1, 2 -> MIB - 70_000 + rnd.nextInt(140_000);
            case 3 -> rnd.nextInt(MIB + MIB / 4);
            default -> rnd.nextInt(8) == 0 ? 2 * MIB + rnd.nextInt(100_000) : rnd.nextInt(300_000);
        };
    }

    private void attrs(int op) {
        FsModel.Node n = any();
        switch (op % 3) {
            case 0 -> {
                int perm = rnd.nextInt(07777 + 1);
                both(() -> fs.chmod(n.ino, perm), () -> {
                    n.mode = (n.mode & Inode.S_IFMT) | perm;
                    return null;
                });
            }
            case 1 -> {
                int uid = rnd.nextBoolean() ? -1 : rnd.nextInt(5000);
                int gid = rnd.nextBoolean() ? -1 : rnd.nextInt(5000);
                both(() -> fs.chown(n.ino, uid, gid), () -> {
                    n.uid = uid == -1 ? n.uid : uid;
                    n.gid = gid == -1 ? n.gid : gid;
                    return null;
                });
            }
            default -> {
                long a = rnd.nextBoolean() ? -1 : rnd.nextLong() >>> 2;
                long m = rnd.nextBoolean() ? -1 : rnd.nextLong() >>> 2;
                both(() -> fs.utimens(n.ino, a, m), () -> {
                    n.atime = a == -1 ? n.atime : a;
                    n.mtime = m == -1 ? n.mtime : m;
                    return null;
                });
            }
        }
    }

    private void xattrs() {
        FsModel.Node n = any();
        String name = XATTRS[rnd.nextInt(XATTRS.length)];
        if (rnd.nextInt(3) == 0) {
            both(() -> fs.removexattr(n.ino, name), () -> model.removexattr(n.ino, name));
        } else {
            byte[] v = new byte[rnd.nextInt(40)];
            rnd.nextBytes(v);
            both(() -> fs.setxattr(n.ino, name, v), () -> {
                n.xattrs.put(name, v);
                return null;
            });
        }
    }

    // ---- picking arguments ----

    private String name() {
        int r = rnd.nextInt(100);
        if (r == 0) {
            return "x".repeat(256);
        }
        if (r == 1) {
            return rnd.nextBoolean() ? "." : "a/b";
        }
        return NAMES[rnd.nextInt(NAMES.length)];
    }

    /** Mostly a name that exists in {@code d}. */
    private String entryName(FsModel.Node d) {
        if (!d.entries.isEmpty() && rnd.nextInt(4) != 0) {
            List<String> names = new ArrayList<>(d.entries.keySet());
            return names.get(rnd.nextInt(names.size()));
        }
        return NAMES[rnd.nextInt(NAMES.length)];
    }

    private List<FsModel.Node> sorted() {
        List<FsModel.Node> all = model.all();
        all.sort(Comparator.comparingLong(n -> n.ino));
        return all;
    }

    private FsModel.Node any() {
        List<FsModel.Node> all = sorted();
        return all.get(rnd.nextInt(all.size()));
    }

    private FsModel.Node dir() {
        List<FsModel.Node> dirs = sorted().stream().filter(FsModel.Node::isDir).toList();
        return dirs.get(rnd.nextInt(dirs.size()));
    }

    private FsModel.Node regular() {
        List<FsModel.Node> files = sorted().stream().filter(FsModel.Node::isRegular).toList();
        return files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
    }

    private FsModel.Node nonDir() {
        List<FsModel.Node> files = sorted().stream().filter(n -> !n.isDir()).toList();
        return files.isEmpty() ? null : files.get(rnd.nextInt(files.size()));
    }

    // ---- applying and comparing ----

    private interface ModelOp {
        Errno apply();
    }

    private static Errno errno(Runnable op) {
        try {
            op.run();
            return null;
        } catch (FsException e) {
            return e.errno();
        }
    }

    private void both(Runnable pfsOp, ModelOp modelOp) {
        Errno have = errno(pfsOp);
        Errno want = modelOp.apply();
        assertThat(have).isEqualTo(want);
    }

    /** The same description {@link FsModel#describe()} gives, read from a PFS view. */
    static Map<String, String> describe(FsReader r) {
        Map<String, String> out = new TreeMap<>();
        walk(r, FsReader.ROOT, "", out, new HashMap<>());
        return out;
    }

    private static void walk(FsReader r, long ino, String path, Map<String, String> out, Map<Long, String> first) {
        Inode i = r.getattr(ino);
        String id = first.computeIfAbsent(ino, k -> path.isEmpty() ? "/" : path);
        String content = null;
        if (i.isRegular()) {
            byte[] data = new byte[(int) i.size()];
            for (int at = 0; at < data.length; ) {
                int k = r.read(ino, at, data, at, Math.min(MIB, data.length - at));
                assertThat(k).isPositive();
                at += k;
            }
            content = FsModel.sha(data, data.length);
        } else if (i.isSymlink()) {
            content = r.readlink(ino);
        }
        Map<String, byte[]> xattrs = new TreeMap<>();
        for (String n : r.listxattr(ino)) {
            xattrs.put(n, r.getxattr(ino, n));
        }
        out.put(path.isEmpty() ? "/" : path, FsModel.line(i.mode(), i.uid(), i.gid(), i.nlink(), i.size(),
                i.atimeNs(), i.mtimeNs(), content, xattrs, id));
        if (i.isDir()) {
            TreeMap<String, Long> entries = new TreeMap<>();
            for (Entry e : r.list(ino)) {
                entries.put(e.name(), e.ino());
            }
            entries.forEach((n, c) -> walk(r, c, path + "/" + n, out, first));
        }
    }
}
