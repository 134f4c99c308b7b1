package org.hammer.core.integrity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.hammer.core.HammerException;
import org.hammer.core.cpdup.Cpdup;
import org.hammer.core.fs.FsReader;
import org.hammer.core.mirror.MirrorLink;
import org.hammer.core.mirror.MirrorOptions;
import org.hammer.core.fs.TreeDigest;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsMode;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.store.Store;
import org.hammer.core.scrub.Scrub;
import org.hammer.core.transport.Endpoint;

/**
 * Flips single bits of a real store's {@code data.mdb}, each on a fresh copy, and runs what a
 * user would on it: a full export (cpdup out), a mirror-copy to a new slave, and a scrub. Each
 * run must yield exactly the original tree or fail as CORRUPT, or be reported by the scrub; the
 * damaged file must not change; the JVM must live. Runs in its own JVM (a crash is the parent's
 * finding) and prints {@code END <flip> <outcome>} per flip, {@code PROBLEM ...} lines, and
 * {@code DONE}. A store whose damage trips one of LMDB's own assertions ends the JVM with exit 5
 * and hammer's one line naming the flip's store: the parent counts that flip refused and runs
 * the rest in a new JVM.
 *
 * <p>Arguments: seed, number of flips, scratch directory, [file of the flips to run].
 */
public final class BitFlipRun {
    private static final int P_BRANCH = 0x01;
    private static final int P_LEAF = 0x02;
    private static final int PAGE = 4096;

    private final Path work;
    private final Path original;
    private final Map<String, String> reference;
    private final long usedPages;
    private final List<Long> branchPages = new ArrayList<>();
    private final List<Long> leafPages = new ArrayList<>();

    private final byte[] originalBytes;
    private final Map<String, String> originalDigest;

    private BitFlipRun(Path work, Path original, Map<String, String> reference, long usedPages) throws IOException {
        this.work = work;
        this.original = original;
        this.reference = reference;
        this.usedPages = usedPages;
        this.originalBytes = Files.readAllBytes(original.resolve("data.mdb"));
        try (Store s = Store.open(original)) {
            this.originalDigest = s.read(r -> {
                PfsConfig c = PfsTable.list(r).stream().filter(x -> x.id() != 0).findFirst().orElseThrow();
                return TreeDigest.of(Pfses.reader(r, c.id()));
            });
        }
        try (FileChannel ch = FileChannel.open(original.resolve("data.mdb"))) {
            ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder());
            for (long p = 2; p < usedPages; p++) {
                h.clear();
                ch.read(h, p * PAGE);
                int flags = h.getShort(10) & 0xffff;
                if (h.getLong(0) == p && (flags & ~0x30) == P_BRANCH) {
                    branchPages.add(p);
                } else if (h.getLong(0) == p && (flags & ~0x30) == P_LEAF) {
                    leafPages.add(p);
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        long seed = Long.parseLong(args[0]);
        int n = Integer.parseInt(args[1]);
        Path work = Path.of(args[2]);
        Path todo = args.length > 3 ? Path.of(args[3]) : null;
        Path original = work.resolve("original.hammer");
        Path refOut = work.resolve("reference-export");
        if (!Files.exists(refOut)) {
            build(seed, work, original, refOut);
        }
        Map<String, String> reference = digest(refOut);
        long used;
        try (Store s = Store.open(original)) {
            used = s.usedBytes() / PAGE;
        }
        BitFlipRun run = new BitFlipRun(work, original, reference, used);
        System.out.println("store: " + used + " pages used, " + run.branchPages.size() + " branch, "
                + run.leafPages.size() + " leaf; tree: " + reference.size() + " paths");
        Random rnd = new Random(seed);
        long[] offsets = new long[n];
        int[] bits = new int[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = run.pick(rnd);
            bits[i] = rnd.nextInt(8);
        }
        List<Integer> indices = new ArrayList<>();
        if (todo == null) {
            for (int i = 0; i < n; i++) {
                indices.add(i);
            }
        } else {
            for (String line : Files.readAllLines(todo)) {
                indices.add(Integer.parseInt(line.trim()));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> done = new ArrayList<>();
        for (int i : indices) {
            done.add(pool.submit(() -> run.one(i, offsets[i], bits[i])));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        System.out.println("DONE");
        System.exit(0);
    }

    /** The tree, the original store holding it, and the reference export of it. */
    private static void build(long seed, Path work, Path original, Path refOut) throws IOException {
        Path tree = work.resolve("tree");
        Trees.write(tree, new Random(seed));
        try (Store s = Store.create(original, "ORIG", 1L << 30)) {
            Pfses.format(s, "ORIG");
            Pfses.create(s, FsReader.ROOT, "m", PfsMode.MASTER, null);
        }
        Cpdup.copy(tree.toString(), original.resolve("m").toString(), null);
        Cpdup.copy(original.resolve("m").toString(), refOut.toString(), null);
        Map<String, String> reference = digest(refOut);
        Map<String, String> imported = digest(tree);
        imported.entrySet().removeIf(e -> Files.isDirectory(tree.resolve(e.getKey())));
        for (Map.Entry<String, String> e : imported.entrySet()) {
            if (!e.getValue().equals(reference.get(e.getKey()))) {
                System.out.println("PROBLEM the undamaged export differs from the tree imported at " + e.getKey());
                System.exit(1);
            }
        }
    }

    /** An offset: some in the meta pages' fields, some in branch and leaf pages, the rest anywhere used. */
    private long pick(Random rnd) {
        int kind = rnd.nextInt(20);
        if (kind == 0) {
            return rnd.nextInt(2) * (long) PAGE + rnd.nextInt(16 + 136);
        }
        if (kind <= 4 && !branchPages.isEmpty()) {
            return branchPages.get(rnd.nextInt(branchPages.size())) * PAGE + rnd.nextInt(PAGE);
        }
        if (kind <= 12 && !leafPages.isEmpty()) {
            return leafPages.get(rnd.nextInt(leafPages.size())) * PAGE + rnd.nextInt(PAGE);
        }
        return (long) (rnd.nextDouble() * usedPages * PAGE);
    }

    private void one(int i, long offset, int bit) {
        Path dir = work.resolve("flip-" + i);
        String what = "flip " + i + " (byte " + offset + " bit " + bit + ", page " + offset / PAGE + ")";
        try {
            deleteTree(dir); // left by a JVM that stopped on another flip
            Path store = dir.resolve("damaged.hammer");
            Files.createDirectories(store);
            Files.copy(original.resolve("hammer-store"), store.resolve("hammer-store"));
            byte[] damaged = originalBytes.clone();
            damaged[(int) offset] ^= (byte) (1 << bit);
            Files.write(store.resolve("data.mdb"), damaged);
            boolean corrupt = false;
            boolean wrong = false;
            List<String> notes = new ArrayList<>();
            // 1. a full export
            Path out = dir.resolve("export");
            try {
                Cpdup.copy(store.resolve("m").toString(), out.toString(), null);
                if (!digest(out).equals(reference)) {
                    wrong = true;
                    notes.add("export differs");
                }
            } catch (HammerException e) {
                corrupt |= expectCorrupt(e, what, "export", notes);
            }
            // 2. a mirror-copy to a new slave
            Path slave = dir.resolve("slave.hammer");
            try (Store s = Store.create(slave, "SLAVE", 1L << 30)) {
                Pfses.format(s, "SLAVE");
            }
            try {
                new MirrorLink(Endpoint.local(store.resolve("m").toString()), Endpoint.local(slave.resolve("s").toString()),
                        MirrorOptions.defaults().withCreateSlave(true), null, q -> true, null).run();
                Map<String, String> got;
                try (Store s = Store.open(slave)) {
                    got = s.read(r -> {
                        PfsConfig c = PfsTable.list(r).stream().filter(PfsConfig::isSlave).findFirst().orElseThrow();
                        return TreeDigest.of(Pfses.reader(r, c.id()));
                    });
                }
                if (!got.equals(originalDigest)) {
                    wrong = true;
                    notes.add("slave differs");
                }
            } catch (HammerException e) {
                corrupt |= expectCorrupt(e, what, "mirror-copy", notes);
            }
            // 3. a scrub
            List<String> damage = new ArrayList<>();
            try (Store s = Store.open(store)) {
                Scrub.run(s, Scrub.WHOLE_STORE, null, f -> damage.add(f.line()));
            } catch (HammerException e) {
                if (e.kind() == HammerException.Kind.CORRUPT) {
                    damage.add("open: " + e.getMessage());
                } else {
                    notes.add("scrub failed with " + e.kind() + ": " + e.getMessage());
                    problem(what + ": scrub failed with " + e.kind() + ": " + e.getMessage());
                }
            }
            if (!java.util.Arrays.equals(Files.readAllBytes(store.resolve("data.mdb")), damaged)) {
                problem(what + ": a read-only command changed the damaged data.mdb");
            }
            if (wrong && damage.isEmpty()) {
                problem(what + ": SILENT " + String.join(", ", notes));
            } else if (wrong) {
                // A reader must refuse what it cannot vouch for: a later scrub does not undo wrong bytes served.
                problem(what + ": served wrong data (" + String.join(", ", notes) + "), only scrub reported it: "
                        + damage.get(0));
            } else {
                end(i, corrupt || !damage.isEmpty() ? "refused" : "identical");
            }
        } catch (IOException | RuntimeException e) {
            problem(what + ": " + e);
            e.printStackTrace(System.out);
        } finally {
            deleteTree(dir);
        }
    }

    private boolean expectCorrupt(HammerException e, String what, String command, List<String> notes) {
        if (e.kind() != HammerException.Kind.CORRUPT) {
            problem(what + ": " + command + " failed with " + e.kind() + " instead of CORRUPT: " + e.getMessage());
            notes.add(command + " " + e.kind());
            return false;
        }
        return true;
    }

    private static void problem(String line) {
        System.out.println("PROBLEM " + line);
    }

    private static synchronized void end(int i, String outcome) {
        System.out.println("END " + i + " " + outcome);
    }

    /** Relative path to type, mode, mtime, size and content hash of an exported tree. */
    static Map<String, String> digest(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = root.relativize(p).toString();
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,lastModifiedTime,size,nlink",
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                String line = a.get("mode") + " " + a.get("nlink");
                if (Files.isSymbolicLink(p)) {
                    // A symlink's own mtime is kept to the microsecond only: compared as target.
                    line += " -> " + Files.readSymbolicLink(p);
                } else {
                    line += " " + a.get("lastModifiedTime");
                }
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    line += " " + a.get("size") + " " + sha(p);
                }
                out.put(rel, line);
            }
        }
        return out;
    }

    static String sha(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
