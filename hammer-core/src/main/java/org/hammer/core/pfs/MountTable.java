package org.hammer.core.pfs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Which mount points show which store and PFS: one line per FUSE mount,
 * {@code mountpoint TAB store-dir TAB pfs-id}, in {@code $HAMMER_RUN_DIR/mounts}
 * (default {@code /run/hammer/mounts}). Commands given a path inside a mount resolve it here.
 */
public final class MountTable {

    /** One mount: {@code pfs} of the store in {@code storeDir} shown at {@code mountPoint}. */
    public record Mount(Path mountPoint, Path storeDir, int pfs) {
    }

    private MountTable() {
    }

    public static Path file() {
        String dir = System.getenv("HAMMER_RUN_DIR");
        return Path.of(dir == null || dir.isEmpty() ? "/run/hammer" : dir).resolve("mounts");
    }

    public static List<Mount> read() {
        Path f = file();
        List<Mount> out = new ArrayList<>();
        if (!Files.isRegularFile(f)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                String[] p = line.split("\t");
                if (p.length == 3) {
                    out.add(new Mount(Path.of(p[0]), Path.of(p[1]), Integer.parseInt(p[2])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return out;
        }
        return out;
    }

    /** The mount whose mount point is the longest prefix of {@code abs}, or null. */
    public static Mount find(Path abs) {
        Mount best = null;
        for (Mount m : read()) {
            if (abs.startsWith(m.mountPoint())
                    && (best == null || m.mountPoint().getNameCount() > best.mountPoint().getNameCount())) {
                best = m;
            }
        }
        return best;
    }

    public static synchronized void add(Mount m) throws IOException {
        List<Mount> all = read();
        all.removeIf(x -> x.mountPoint().equals(m.mountPoint()));
        all.add(m);
        write(all);
    }

    public static synchronized void remove(Path mountPoint) throws IOException {
        List<Mount> all = read();
        if (all.removeIf(x -> x.mountPoint().equals(mountPoint))) {
            write(all);
        }
    }

    private static void write(List<Mount> all) throws IOException {
        Path f = file();
        Files.createDirectories(f.getParent());
        StringBuilder b = new StringBuilder();
        for (Mount m : all) {
            b.append(m.mountPoint()).append('\t').append(m.storeDir()).append('\t').append(m.pfs()).append('\n');
        }
        Path tmp = f.resolveSibling("mounts." + ProcessHandle.current().pid());
        Files.writeString(tmp, b, StandardCharsets.UTF_8);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
