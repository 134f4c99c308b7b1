package org.hammer.core.store;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.hammer.core.btree.Inode;
import org.hammer.core.fs.Entry;
import org.hammer.core.fs.FsReader;
import org.hammer.core.fs.FsWriter;
import org.hammer.core.pfs.Pfses;
import org.hammer.core.tid.Tid;

/**
 * The process {@link CrashTest} kills: imports batches of files into PFS #0 of a store, one commit
 * each, and removes the batch from five commits before, forever. Before each commit it prints
 * {@code PENDING <tid> <digest>}, after the commit returns {@code COMMIT <tid> <digest>}, the digest
 * being that of the whole PFS as it keeps it in memory.
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        Random rnd = new Random(Long.parseLong(args[1]));
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        try (Store store = Store.open(dir)) {
            Map<String, String> model = store.read(r -> describe(new FsReader(r, 0, Tid.MAX)));
            // after every batch an earlier child left (up to five each): a name taken is EEXIST
            int first = 1 + model.keySet().stream().filter(p -> p.matches("/b\\d+"))
                    .mapToInt(p -> Integer.parseInt(p.substring(2))).max().orElse(rnd.nextInt(1000));
            out.println("READY");
            for (int batch = first; ; batch++) {
                int b = batch;
                long tid = store.write(w -> {
                    FsWriter fs = Pfses.writer(w, 0);
                    importBatch(fs, rnd, b, model);
                    out.println("PENDING " + Tid.format(w.tid()) + " " + digest(model));
                    return w.tid();
                });
                out.println("COMMIT " + Tid.format(tid) + " " + digest(model));
            }
        }
    }

    private static void importBatch(FsWriter fs, Random rnd, int batch, Map<String, String> model) {
        long d = fs.mkdir(FsReader.ROOT, "b" + batch, 0755, 0, 0);
        model.put("/b" + batch, "dir");
        int files = 10 + rnd.nextInt(40);
        for (int i = 0; i < files; i++) {
            byte[] data = new byte[rnd.nextInt(8) == 0 ? rnd.nextInt(300_000) : rnd.nextInt(20_000)];
            rnd.nextBytes(data);
            long f = fs.mknod(d, "f" + i, 0644, 0, 0, 0);
            fs.write(f, 0, data, 0, data.length);
            model.put("/b" + batch + "/f" + i, "file " + data.length + " " + sha(data));
        }
        String old = "b" + (batch - 5);
        long o = fs.find(FsReader.ROOT, old);
        if (o != 0) {
            for (Entry e : fs.list(o)) {
                fs.unlink(o, e.name());
            }
            fs.rmdir(FsReader.ROOT, old);
            model.keySet().removeIf(p -> p.equals("/" + old) || p.startsWith("/" + old + "/"));
        }
    }

    /** Path → "dir" or "file SIZE SHA" for everything below the root of the view. */
    static Map<String, String> describe(FsReader r) {
        Map<String, String> out = new TreeMap<>();
        walk(r, FsReader.ROOT, "", out);
        return out;
    }

    private static void walk(FsReader r, long dir, String path, Map<String, String> out) {
        for (Entry e : r.list(dir)) {
            String p = path + "/" + e.name();
            Inode i = r.getattr(e.ino());
            if (i.isDir()) {
                out.put(p, "dir");
                walk(r, e.ino(), p, out);
            } else {
                byte[] data = new byte[(int) i.size()];
                int k = data.length == 0 ? 0 : r.read(e.ino(), 0, data, 0, data.length);
                out.put(p, "file " + k + " " + sha(data));
            }
        }
    }

    static String digest(Map<String, String> tree) {
        StringBuilder b = new StringBuilder();
        tree.forEach((k, v) -> b.append(k).append('\t').append(v).append('\n'));
        return sha(b.toString().getBytes(StandardCharsets.UTF_8));
    }

    static String sha(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
