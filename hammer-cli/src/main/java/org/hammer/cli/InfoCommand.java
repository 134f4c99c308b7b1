package org.hammer.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hammer.core.HammerException;
import org.hammer.core.btree.RecordKey;
import org.hammer.core.btree.RecordType;
import org.hammer.core.fs.FsReader;
import org.hammer.core.pfs.MountTable;
import org.hammer.core.pfs.PfsConfig;
import org.hammer.core.pfs.PfsPath;
import org.hammer.core.pfs.PfsTable;
import org.hammer.core.store.Store;
import org.hammer.core.store.StoreHeader;
import org.hammer.core.tid.Tid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hammer info}: what a store is and which PFSes it holds (HAMMER.md §1.10). */
@Command(name = "info",
        description = {"Print what a store is and which PFSes it holds.",
            "For the store each PATH lies in: label, fs uuid, format version, used bytes, newest TID, and a "
                    + "table of its PFSes with mode, number of snapshots and mount points."})
final class InfoCommand extends ShortCommand {

    static final String TABLE_HEADER = "PFS ID  Mode    Snaps  Mounted on";

    @Parameters(arity = "0..*", paramLabel = "PATH",
            description = "Paths in stores or mounts. Default: every mounted store, else the current directory.")
    private List<String> paths = new ArrayList<>();

    @Override
    boolean plain(List<String> args) {
        for (String a : args) {
            if (!value(a)) {
                return false;
            }
        }
        paths = new ArrayList<>(args);
        return true;
    }

    @Override
    public Integer call() {
        PrintWriter out = out();
        Set<Path> printed = new LinkedHashSet<>();
        for (String arg : targets()) {
            try (PfsPath p = PfsPath.resolve(arg)) {
                if (!printed.add(PfsTarget.real(p.store().dir()))) {
                    continue;
                }
                if (printed.size() > 1) {
                    out.println();
                }
                print(out, p.store());
            } catch (HammerException e) {
                throw Failure.about(arg, e);
            }
        }
        return 0;
    }

    /** The paths given, else the mounted stores and the current directory if it is a store. */
    private List<String> targets() {
        if (!paths.isEmpty()) {
            return paths;
        }
        List<String> out = new ArrayList<>();
        for (MountTable.Mount m : MountTable.read()) {
            if (Store.isStore(m.storeDir())) {
                out.add(m.storeDir().toString());
            }
        }
        if (Store.isStore(Path.of("."))) {
            out.add(".");
        }
        if (out.isEmpty()) {
            throw HammerException.notFound(".: not a hammer store, and no store is mounted");
        }
        return out;
    }

    private static void print(PrintWriter out, Store store) {
        StoreHeader h = store.header();
        long used = store.usedBytes() - store.freeBytes(); // pages on the free list hold nothing
        List<MountTable.Mount> mounts = MountTable.read();
        Path dir = PfsTarget.real(store.dir());
        store.read(r -> {
            out.println(store.dir());
            out.println("Volume identification");
            out.printf("    Label               %s%n", h.label());
            out.printf("    FSID                %s%n", h.fsUuid());
            String older = h.formatVersion() < StoreHeader.FORMAT_VERSION
                    ? " (hammer version-upgrade moves it to " + StoreHeader.FORMAT_VERSION + ")" : "";
            out.printf("    Format version      %d%s%n", h.formatVersion(), older);
            out.println("Space information");
            out.printf("    Used                %d bytes (%s)%n", used, human(used));
            out.printf("    Limit               %d bytes (%s)%n", h.maxSize(), human(h.maxSize()));
            out.printf("    Newest TID          %s%n", Tid.format(r.lastTid()));
            out.println("PFS information");
            out.println("    " + TABLE_HEADER);
            for (PfsConfig c : PfsTable.list(r)) {
                long snaps = snapshots(r, c);
                out.printf("    %6d  %-6s %6s  %s%n", c.id(), c.mode(), snaps, mountedOn(mounts, dir, c.id()));
            }
            return null;
        });
        out.flush();
    }

    /** Live SNAPSHOT records on the PFS's root inode, as of the TID the PFS is read at. */
    private static long snapshots(org.hammer.core.store.StoreReader r, PfsConfig c) {
        long asOf = PfsTable.readTid(c);
        long[] n = {0};
        r.scan(new RecordKey(c.id(), FsReader.ROOT, RecordType.SNAPSHOT, 0, 0),
                new RecordKey(c.id(), FsReader.ROOT, RecordType.CONFIG, 0, 0), false, rec -> {
                    if (rec.visibleAt(asOf)) {
                        n[0]++;
                    }
                    return true;
                });
        return n[0];
    }

    private static String mountedOn(List<MountTable.Mount> mounts, Path storeDir, int pfs) {
        List<String> points = new ArrayList<>();
        for (MountTable.Mount m : mounts) {
            if (m.pfs() == pfs && Files.exists(m.storeDir()) && PfsTarget.real(m.storeDir()).equals(storeDir)) {
                points.add(m.mountPoint().toString());
            }
        }
        return points.isEmpty() ? "not mounted" : String.join(" ", points);
    }

    static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format("%.1f %s", v, units[u]);
    }
}
